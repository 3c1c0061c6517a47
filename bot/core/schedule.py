"""When a chat's digest is due, and reading the times, days and zones people type."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.normalize import normalize
from bot.core.week import weekend, working_days
from bot.errors import BadDays, BadQuietHours, BadTime, BadTimezone, TooManyTimes
from bot.models import ALL_DAYS, Schedule

# A digest missed while the bot was down is still sent within this window, once.
CATCH_UP = timedelta(hours=3)
MAX_TIMES = 4
# "7", "07:30", "7.30"; then, apart or not, a 12-hour mark: "7pm", "07:30م", "9 صباحا".
_TIME = re.compile(r"^(\d{1,2})(?:[:.٫](\d{2}))?\s*([^\d\s:.٫].*)?$")
_MORNING, _EVENING = "am", "pm"
_TWELVE_HOUR = {
    **dict.fromkeys(("am", "a.m.", "a.m", "ص", "صباحا", "صباح", "صباحا"), _MORNING),
    **dict.fromkeys(("pm", "p.m.", "p.m", "م", "مساء", "مساءا", "ظهرا", "عصرا"), _EVENING),
}
_ARABIC_MARKS = dict.fromkeys([*range(0x064B, 0x0653), 0x0640])  # tanween, harakat, tatweel

# ISO weekday by normalized English and Arabic names (with or without the article).
_DAY_NAMES: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("monday", "mon", "الاثنين", "الإثنين", "اثنين"),
        ("tuesday", "tue", "الثلاثاء", "ثلاثاء"),
        ("wednesday", "wed", "الأربعاء", "أربعاء"),
        ("thursday", "thu", "الخميس", "خميس"),
        ("friday", "fri", "الجمعة", "جمعة"),
        ("saturday", "sat", "السبت", "سبت"),
        ("sunday", "sun", "الأحد", "أحد"),
    ),
    start=1,
):
    for _name in _names:
        _DAY_NAMES[normalize(_name)] = _number
_EVERY_DAY = {
    normalize(w)
    for w in ("daily", "every day", "everyday", "all", "يوميا", "يومياً", "كل يوم", "كل الايام")
}
# The working week and the weekend where the reader lives (bot.core.week), not Monday–Friday.
_WEEKDAYS = {
    normalize(w)
    for w in ("weekdays", "workdays", "working days", "ايام الاسبوع", "ايام العمل", "أيام الدوام")
}
_WEEKENDS = {
    normalize(w)
    for w in ("weekends", "weekend", "عطلة نهاية الاسبوع", "نهاية الاسبوع", "العطلة", "الويكند")
}


def parse_time(text: str) -> time:
    """ "7:30", "07:30", "٠٧:٣٠", "7" → 07:30 or 07:00, on the 24-hour clock; with a
    12-hour mark, "7pm", "07:30م", "9 صباحا" (hours 1–12). Anything else is BadTime."""
    match = _TIME.match(_ascii_digits(text.strip()).casefold().translate(_ARABIC_MARKS))
    if not match:
        raise BadTime(given=text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) is not None:
        half = _TWELVE_HOUR.get(match.group(3).strip())
        if half is None or not 1 <= hour <= 12:
            raise BadTime(given=text)
        hour = hour % 12 + (12 if half == _EVENING else 0)
    if hour > 23 or minute > 59:
        raise BadTime(given=text)
    return time(hour, minute)


def parse_times(words: list[str]) -> tuple[time, ...]:
    """One or more times of day, sorted, without repeats: `/time 07:30 19:00`, `/time 7 pm`
    (a 12-hour mark typed apart belongs to the time before it). More than MAX_TIMES is
    TooManyTimes, which names the limit."""
    joined: list[str] = []
    for word in words:
        if joined and _is_twelve_hour_mark(word):
            joined[-1] += word
        else:
            joined.append(word)
    times = sorted({parse_time(w) for w in joined})
    if not times:
        raise BadTime(given=" ".join(words))
    if len(times) > MAX_TIMES:
        raise TooManyTimes(given=" ".join(words), limit=MAX_TIMES)
    return tuple(times)


def _is_twelve_hour_mark(word: str) -> bool:
    return word.casefold().translate(_ARABIC_MARKS) in _TWELVE_HOUR


def parse_days(text: str, zone: str | None = None) -> frozenset[int]:
    """ "daily", "weekdays", "weekends", "sun-thu", "الأحد-الخميس", "fri" (weekly), "sat sun"
    → ISO weekdays. Weekdays and weekends are those of `zone`'s country (الأحد–الخميس in
    Riyadh); without a zone, the world's default (Monday–Friday)."""
    key = normalize(text)
    if key in _EVERY_DAY:
        return ALL_DAYS
    if key in _WEEKDAYS:
        return working_days(zone)
    if key in _WEEKENDS:
        return weekend(zone)
    span = re.split(r"\s*(?:-|–|to|الي|حتي)\s*", text.strip().casefold())
    if len(span) == 2 and all(normalize(s) in _DAY_NAMES for s in span):
        first, last = (_DAY_NAMES[normalize(s)] for s in span)
        return frozenset(((first - 1 + i) % 7) + 1 for i in range((last - first) % 7 + 1))
    words = key.split()
    days = {_DAY_NAMES.get(w, _DAY_NAMES.get(w.removeprefix("و"))) for w in words}  # و: "and"
    if not words or None in days:
        raise BadDays(given=text)
    return frozenset(d for d in days if d is not None)


def parse_quiet(words: list[str]) -> tuple[time, time] | None:
    """`/quiet 23:00 07:00` or `/quiet 23:00-07:00`; `/quiet off` clears them."""
    text = " ".join(words).strip()
    if normalize(text) in ("off", "no", "none", "الغاء", "ايقاف", "لا"):
        return None
    parts = [p for p in re.split(r"[\s\-–]+", text) if p]
    try:
        if len(parts) != 2:
            raise BadTime(given=text)
        start, end = parse_time(parts[0]), parse_time(parts[1])
    except BadTime:
        raise BadQuietHours(given=text) from None
    if start == end:
        raise BadQuietHours(given=text)
    return start, end


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadTimezone(given=name) from None


def due_slot(
    now: datetime, tz: ZoneInfo, schedule: Schedule, *, window: timedelta = CATCH_UP
) -> str | None:
    """The digest period due at `now` ("2026-11-30T07:30", local date and slot), if any.

    A slot is due from its local time until `window` later, so a short outage does not
    lose it; a slot that falls in quiet hours waits for their end. When several slots
    are due (after an outage), only the latest counts: one digest covers them all.
    """
    slot = due_slot_at(now, tz, schedule, window=window)
    return slot[0] if slot else None


def due_slot_at(
    now: datetime, tz: ZoneInfo, schedule: Schedule, *, window: timedelta = CATCH_UP
) -> tuple[str, datetime] | None:
    """`due_slot`'s period with the moment it fell due (quiet hours pushed it to their end)."""
    local_now = now.astimezone(tz)
    if in_quiet(local_now.time(), schedule.quiet):
        return None
    latest: tuple[datetime, str] | None = None
    for day in (local_now.date() - timedelta(days=1), local_now.date()):
        if day.isoweekday() not in schedule.days:
            continue
        for at in schedule.times:
            send_at = _send_time(day, at, tz, schedule.quiet)
            if send_at <= now < send_at + window and (latest is None or send_at > latest[0]):
                latest = (send_at, f"{day.isoformat()}T{at.strftime('%H:%M')}")
    return (latest[1], latest[0]) if latest else None


def in_quiet(moment: time, quiet: tuple[time, time] | None) -> bool:
    if quiet is None:
        return False
    start, end = quiet
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end  # across midnight


def _send_time(day: date, at: time, tz: ZoneInfo, quiet: tuple[time, time] | None) -> datetime:
    send_at = datetime.combine(day, at, tzinfo=tz)
    if quiet is not None and in_quiet(at, quiet):
        end = datetime.combine(day, quiet[1], tzinfo=tz)
        send_at = end if end > send_at else end + timedelta(days=1)
    return send_at


def _ascii_digits(text: str) -> str:
    return "".join(str(int(ch)) if ch.isdigit() else ch for ch in text)


def held_by_quiet(schedule: Schedule) -> tuple[tuple[time, ...], time] | None:
    """The digest times quiet hours hold back, and the time their digest comes instead
    (the end of the quiet hours: one digest for all of them); None when none is held."""
    if schedule.quiet is None:
        return None
    held = tuple(t for t in schedule.times if in_quiet(t, schedule.quiet))
    return (held, schedule.quiet[1]) if held else None
