"""The few named errors Mujaz raises.

MujazError                 base; carries a template key for the user's sentence
├── ConfigError            bad settings at start: one line for the operator, exit 2
│   └── DatabaseUnusable   DATABASE_PATH is no Mujaz database, is damaged, or is newer
├── LeaseHeld              another bot process sends from this database: exit 3
├── StorageError           the database failed under us (disk full, damaged, I/O): one line
├── ConstraintError        a statement broke a key or constraint (a repository may expect it),
│                          on SQLite and PostgreSQL alike
└── UserInputError         a command argument we cannot use; `key` names the reply
    ├── UnknownTopic
    ├── BadTime
    │   └── TooManyTimes
    ├── BadTimezone
    ├── BadDays
    ├── BadQuietHours
    └── BadLanguages
"""

from __future__ import annotations

from typing import Any


class MujazError(Exception):
    key = "error"

    def __init__(self, message: str = "", **params: Any) -> None:
        super().__init__(message or self.key)
        self.params = params


class ConfigError(MujazError):
    pass


class DatabaseUnusable(ConfigError):
    pass


class LeaseHeld(MujazError):
    pass


class StorageError(MujazError):
    pass


class ConstraintError(MujazError):
    pass


class UserInputError(MujazError):
    pass


class UnknownTopic(UserInputError):
    key = "unknown_topic"


class BadTime(UserInputError):
    key = "time_invalid"


class TooManyTimes(BadTime):
    key = "time_too_many"


class BadTimezone(UserInputError):
    key = "timezone_invalid"


class BadDays(UserInputError):
    key = "days_invalid"


class BadQuietHours(UserInputError):
    key = "quiet_invalid"


class BadLanguages(UserInputError):
    key = "languages_invalid"
