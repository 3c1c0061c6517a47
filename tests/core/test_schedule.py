from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import due_period, parse_time, parse_timezone
from bot.errors import BadTime, BadTimezone

RIYADH = ZoneInfo("Asia/Riyadh")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07:30", time(7, 30)),
        ("7:30", time(7, 30)),
        ("٠٧:٣٠", time(7, 30)),
        ("23:59", time(23, 59)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "7", "7:5", "noon", "12:60", "-1:00", "", "07:30:00"])
def test_parse_time_rejects_junk(text: str) -> None:
    with pytest.raises(BadTime):
        parse_time(text)


def test_parse_timezone_is_case_insensitive_and_strict() -> None:
    assert parse_timezone("asia/baku") == "Asia/Baku"
    assert parse_timezone("America/New York") == "America/New_York"
    for junk in ["Mars/Olympus", "../etc/passwd", "", "EST5EDT"]:
        with pytest.raises(BadTimezone):
            parse_timezone(junk)


def test_due_from_the_local_time_for_a_few_hours() -> None:
    at = time(8, 0)
    assert due_period(datetime(2026, 11, 30, 4, 59, tzinfo=UTC), RIYADH, at) is None
    assert due_period(datetime(2026, 11, 30, 5, 0, tzinfo=UTC), RIYADH, at) == "2026-11-30"
    assert due_period(datetime(2026, 11, 30, 7, 59, tzinfo=UTC), RIYADH, at) == "2026-11-30"
    assert due_period(datetime(2026, 11, 30, 8, 1, tzinfo=UTC), RIYADH, at) is None


def test_due_just_after_midnight_belongs_to_yesterday() -> None:
    # 23:50 in Riyadh is 20:50 UTC; at 21:10 UTC it is 00:10 the next local day.
    now = datetime(2026, 11, 30, 21, 10, tzinfo=UTC)
    assert due_period(now, RIYADH, time(23, 50)) == "2026-11-30"


def test_local_time_holds_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 08:00 CEST
    winter = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert due_period(summer, berlin, time(8, 0)) == "2026-07-01"
    assert due_period(winter, berlin, time(8, 0)) == "2026-12-01"
    assert due_period(winter.replace(hour=6), berlin, time(8, 0)) is None
