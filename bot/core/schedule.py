"""When a reader's digest is due, and reading the times and zones they type."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import BadTime, BadTimezone

# A digest missed while the bot was down is still sent within this window.
CATCH_UP = timedelta(hours=3)
_TIME = re.compile(r"^(\d{1,2})[:.٫](\d{2})$")


def parse_time(text: str) -> time:
    """ "7:30", "07:30", "٠٧:٣٠" → 07:30; anything else is BadTime."""
    match = _TIME.match(normalize_digits(text.strip()))
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadTime(given=text)
    return time(int(match.group(1)), int(match.group(2)))


def normalize_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() else ch for ch in text)


def parse_timezone(text: str) -> str:
    """The IANA name the user meant, however they cased it; BadTimezone otherwise."""
    key = text.strip().replace(" ", "_").casefold()
    name = _zones().get(key)
    if name is None:
        raise BadTimezone(given=text)
    return name


@cache
def _zones() -> dict[str, str]:
    return {z.casefold(): z for z in available_timezones() if "/" in z or z == "UTC"}


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadTimezone(given=name) from None


def due_period(
    now: datetime, tz: ZoneInfo, at: time, *, window: timedelta = CATCH_UP
) -> str | None:
    """The period (local date) whose digest is due at `now`, if any.

    Due from the local time `at` until `window` later, so a short outage does not
    lose a day's digest; yesterday is checked too for times just before midnight.
    """
    local_now = now.astimezone(tz)
    for day in (local_now.date(), local_now.date() - timedelta(days=1)):
        scheduled = _wall_clock(day, at, tz)
        if scheduled <= now < scheduled + window:
            return day.isoformat()
    return None


def _wall_clock(day: date, at: time, tz: ZoneInfo) -> datetime:
    """`at` on `day` in `tz`; a time skipped by a DST jump resolves to just after it."""
    return datetime.combine(day, at, tzinfo=tz)
