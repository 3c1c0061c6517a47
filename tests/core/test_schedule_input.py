"""Times as readers type them (7, 7pm, 07:30م), and what quiet hours do to a digest time."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core.schedule import MAX_TIMES, held_by_quiet, parse_time, parse_times
from bot.errors import BadTime, TooManyTimes
from bot.models import Schedule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", time(7, 0)),
        ("19", time(19, 0)),
        ("٧", time(7, 0)),
        ("7pm", time(19, 0)),
        ("7PM", time(19, 0)),
        ("7 p.m.", time(19, 0)),
        ("7am", time(7, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("07:30م", time(19, 30)),
        ("07:30ص", time(7, 30)),
        ("٠٧:٣٠م", time(19, 30)),
        ("7:30 مساءً", time(19, 30)),
        ("9 صباحا", time(9, 0)),
    ],
)
def test_a_time_may_be_an_hour_and_may_say_am_or_pm(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["13pm", "0am", "24", "7:5", "pm", "7 pmx", "19:00م", "-7"])
def test_an_impossible_twelve_hour_time_is_refused(text: str) -> None:
    with pytest.raises(BadTime):
        parse_time(text)


def test_a_suffix_typed_apart_belongs_to_the_time_before_it() -> None:
    assert parse_times(["7", "pm"]) == (time(19, 0),)
    assert parse_times(["07:30", "م", "7", "ص"]) == (time(7, 0), time(19, 30))


def test_more_times_than_the_limit_are_refused_with_the_limit() -> None:
    with pytest.raises(TooManyTimes) as refused:
        parse_times([f"0{h}:00" for h in range(1, MAX_TIMES + 2)])
    assert refused.value.params["limit"] == MAX_TIMES


def test_quiet_hours_hold_a_digest_time_until_they_end() -> None:
    quiet = (time(23, 0), time(7, 0))
    held = held_by_quiet(Schedule(times=(time(6, 0), time(23, 30), time(8, 0)), quiet=quiet))
    assert held == ((time(6, 0), time(23, 30)), time(7, 0))
    assert held_by_quiet(Schedule(times=(time(8, 0),), quiet=quiet)) is None
    assert held_by_quiet(Schedule(times=(time(23, 30),))) is None
