from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import due_slot, parse_days, parse_quiet, parse_time, parse_times
from bot.core.timezones import _EXTRA_CITIES, city_name, parse_timezone
from bot.errors import BadDays, BadQuietHours, BadTime, BadTimezone
from bot.models import ALL_DAYS, Schedule

RIYADH = ZoneInfo("Asia/Riyadh")  # UTC+3, no DST
EIGHT = Schedule(times=(time(8, 0),))


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


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


@pytest.mark.parametrize("text", ["24:00", "7:5", "noon", "12:60", "-1:00", "", "07:30:00"])
def test_parse_time_rejects_junk(text: str) -> None:
    with pytest.raises(BadTime):
        parse_time(text)


def test_parse_several_times_sorted_without_repeats() -> None:
    assert parse_times(["19:00", "07:30", "7:30"]) == (time(7, 30), time(19, 0))
    with pytest.raises(BadTime):
        parse_times(["01:00", "02:00", "03:00", "04:00", "05:00"])
    with pytest.raises(BadTime):
        parse_times(["07:30", "later"])


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("daily", ALL_DAYS),
        ("يوميا", ALL_DAYS),
        ("weekdays", {1, 2, 3, 4, 5}),
        ("sun-thu", {7, 1, 2, 3, 4}),
        ("الأحد-الخميس", {7, 1, 2, 3, 4}),
        ("fri", {5}),
        ("الجمعة", {5}),
        ("sat sun", {6, 7}),
        ("السبت والأحد", {6, 7}),
    ],
)
def test_parse_days(text: str, days: set[int]) -> None:
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["", "someday", "mon-funday", "كل شهر"])
def test_parse_days_rejects_junk(text: str) -> None:
    with pytest.raises(BadDays):
        parse_days(text)


def test_parse_quiet() -> None:
    assert parse_quiet(["23:00", "07:00"]) == (time(23, 0), time(7, 0))
    assert parse_quiet(["23:00-07:00"]) == (time(23, 0), time(7, 0))
    assert parse_quiet(["off"]) is None
    for junk in (["23:00"], ["late"], ["07:00", "07:00"]):
        with pytest.raises(BadQuietHours):
            parse_quiet(junk)


def test_timezone_by_name_or_city() -> None:
    assert parse_timezone("asia/baku") == "Asia/Baku"
    assert parse_timezone("America/New York") == "America/New_York"
    assert parse_timezone("باكو") == "Asia/Baku"
    assert parse_timezone("Baku") == "Asia/Baku"
    assert parse_timezone("الرياض") == "Asia/Riyadh"
    assert parse_timezone("جدة") == "Asia/Riyadh"
    assert parse_timezone("موسكو") == "Europe/Moscow"
    for junk in ["Mars/Olympus", "../etc/passwd", "", "Atlantis"]:
        with pytest.raises(BadTimezone):
            parse_timezone(junk)


def test_every_extra_city_names_a_real_zone() -> None:
    for city, zone_name in _EXTRA_CITIES.items():
        assert parse_timezone(city) == zone_name
        ZoneInfo(zone_name)


def test_city_name_in_the_readers_language() -> None:
    assert city_name("Asia/Baku", "ar") == "باكو"
    assert city_name("Asia/Baku", "en") == "Baku"


def test_due_from_the_local_time_for_a_few_hours() -> None:
    assert due_slot(utc(30, 4, 59), RIYADH, EIGHT) is None
    assert due_slot(utc(30, 5, 0), RIYADH, EIGHT) == "2026-11-30T08:00"
    assert due_slot(utc(30, 7, 59), RIYADH, EIGHT) == "2026-11-30T08:00"
    assert due_slot(utc(30, 8, 1), RIYADH, EIGHT) is None


def test_due_just_after_midnight_belongs_to_yesterday() -> None:
    late = Schedule(times=(time(23, 50),))
    assert due_slot(utc(30, 21, 10), RIYADH, late) == "2026-11-30T23:50"


def test_several_times_a_day() -> None:
    twice = Schedule(times=(time(7, 30), time(19, 0)))
    assert due_slot(utc(30, 4, 31), RIYADH, twice) == "2026-11-30T07:30"
    assert due_slot(utc(30, 16, 1), RIYADH, twice) == "2026-11-30T19:00"
    assert due_slot(utc(30, 12, 0), RIYADH, twice) is None


def test_after_an_outage_only_the_latest_due_slot_counts() -> None:
    close = Schedule(times=(time(7, 0), time(8, 0)))
    assert due_slot(utc(30, 5, 30), RIYADH, close) == "2026-11-30T08:00"


def test_only_on_chosen_days() -> None:
    sun_thu = Schedule(times=(time(8, 0),), days=frozenset({7, 1, 2, 3, 4}))
    friday = utc(27, 5, 0)  # 2026-11-27 is a Friday
    assert due_slot(friday, RIYADH, sun_thu) is None
    assert due_slot(friday + timedelta(days=2), RIYADH, sun_thu) == "2026-11-29T08:00"


def test_quiet_hours_hold_a_digest_until_they_end() -> None:
    quiet = Schedule(times=(time(6, 0),), quiet=(time(23, 0), time(7, 0)))
    assert due_slot(utc(30, 3, 0), RIYADH, quiet) is None  # 06:00 local, quiet
    assert due_slot(utc(30, 4, 0), RIYADH, quiet) == "2026-11-30T06:00"  # 07:00 local
    late = Schedule(times=(time(23, 30),), quiet=(time(23, 0), time(7, 0)))
    assert due_slot(utc(30, 20, 30), RIYADH, late) is None  # 23:30, quiet
    assert due_slot(utc(31 - 1, 20, 30) + timedelta(hours=7, minutes=30), RIYADH, late) == (
        "2026-11-30T23:30"
    )  # 07:00 the next morning


def test_local_time_holds_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    summer = datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # 08:00 CEST
    winter = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)  # 08:00 CET
    assert due_slot(summer, berlin, EIGHT) == "2026-07-01T08:00"
    assert due_slot(winter, berlin, EIGHT) == "2026-12-01T08:00"
    assert due_slot(winter.replace(hour=6), berlin, EIGHT) is None


def test_a_late_catch_up_waits_out_quiet_hours() -> None:
    evening = Schedule(times=(time(22, 30),), quiet=(time(23, 0), time(7, 0)))
    assert due_slot(utc(30, 19, 45), RIYADH, evening) == "2026-11-30T22:30"  # 22:45 local
    assert due_slot(utc(30, 20, 15), RIYADH, evening) is None  # 23:15 local: quiet, though late
