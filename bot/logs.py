"""Log set-up: LOG_LEVEL, LOG_FORMAT (text, or JSON lines for a log collector), the bot
token kept out of every line, and the ids a line is about carried as fields.

Libraries log request URLs, and a Bot API URL carries the token (`/bot<id>:<secret>/…`),
at DEBUG on every request and in the texts of their errors. So every handler gets
`HideSecrets`, which rewrites the record itself (message, arguments, traceback, extra
fields) before any formatter sees it, and the formatters hide once more what they add.

The ids travel in a context variable: `about(chat_id=…)` around the work of one chat,
feed, delivery or broadcast, and every line logged inside it, however deep, carries them.
A JSON line shows them as fields (`"chat_id": 42`); a text line stays as it was.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from types import TracebackType
from typing import Literal, TextIO

from pythonjsonlogger.json import JsonFormatter

from bot.core.secrets import hide

LogFormat = Literal["text", "json"]
FIELDS = ("chat_id", "feed_id", "delivery_id", "broadcast_id")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries that say a line per request at INFO; at DEBUG everything speaks.
_CHATTY = ("httpx", "apscheduler")

_ids: ContextVar[dict[str, int]] = ContextVar("mujaz_log_ids", default={})  # noqa: B039
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message"}


@contextmanager
def about(**ids: int | None) -> Iterator[None]:
    """Lines logged inside (tasks started inside too) carry these ids as fields."""
    token = _ids.set({**_ids.get(), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _ids.reset(token)


def tag(**ids: int | None) -> None:
    """Set the ids for the rest of the current task (an update's handlers run in one task)."""
    _ids.set({k: v for k, v in ids.items() if v is not None})


def ids(**given: int | None) -> dict[str, int]:
    """`extra=` for one line, for code that runs outside `about` (a done-callback)."""
    return {k: v for k, v in given.items() if v is not None}


class CarryIds(logging.Filter):
    """Puts the ids of the surrounding `about` on the record, unless the line set its own."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _ids.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class HideSecrets(logging.Filter):
    """Rewrites the record with every token hidden, so no handler after it can show one."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets
        self._tracebacks = logging.Formatter()

    def hide(self, text: str) -> str:
        return hide(text, self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format: logging reports it; we hide what we can
            message = f"{record.msg!s} {record.args!r}"
        record.msg, record.args = self.hide(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._tracebacks.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.hide(record.exc_text)
        if record.stack_info:
            record.stack_info = self.hide(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.hide(value))
        return True


class TextLines(logging.Formatter):
    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(TEXT_FORMAT)
        self.secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        return hide(super().format(record), self.secrets)


class JsonLines(JsonFormatter):
    """One JSON object a line: time, level, logger, message, the ids, and the traceback
    (the one HideSecrets already wrote, so it is not formatted again unhidden)."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            json_ensure_ascii=False,
        )
        self.secrets = secrets

    def formatException(self, ei: object) -> str:
        return hide(super().formatException(ei), self.secrets)  # type: ignore[arg-type]

    def format(self, record: logging.LogRecord) -> str:
        return hide(super().format(record), self.secrets)


def parse_level(name: str) -> int:
    """A level name (any case) to its number; ValueError names the ones there are."""
    level = logging.getLevelNamesMapping().get(name.strip().upper())
    if level is None or name.strip().upper() in {"NOTSET", "WARN", "FATAL"}:
        raise ValueError(f"{name!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return level


def configure(
    level: int | str = logging.INFO,
    fmt: LogFormat = "text",
    *,
    secrets: tuple[str, ...] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """One handler (on stderr) for the root logger, with the filters. Returns it."""
    number = parse_level(level) if isinstance(level, str) else level
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines(secrets) if fmt == "json" else TextLines(secrets))
    logging.basicConfig(level=number, handlers=[handler], force=True)
    guard(logging.getLogger(), secrets)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING if number > logging.DEBUG else number)
    # Warnings and a crash's traceback become log lines too: formatted, and hidden.
    logging.captureWarnings(True)
    sys.excepthook = _log_crash
    return handler


def _log_crash(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, traceback)
        return
    logging.getLogger("mujaz").critical("stopped by an error", exc_info=(kind, error, traceback))


def guard(logger: logging.Logger, secrets: tuple[str, ...] = ()) -> None:
    """The filters on every handler of `logger`: call it after adding a handler of your own."""
    for handler in logger.handlers:
        if not any(isinstance(f, HideSecrets) for f in handler.filters):
            handler.addFilter(CarryIds())
            handler.addFilter(HideSecrets(secrets))
