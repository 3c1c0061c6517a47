"""Windows count a send from when it leaves (Telegram counts arrivals), and until its
answer when that comes later."""

import random

import pytest

from bot.delivery.pacing import (
    ARRIVAL_MARGIN,
    Limit,
    Limits,
    Pace,
    RoundTrips,
    Spacer,
    Stalls,
    Window,
)

HOLD = 1.0 + ARRIVAL_MARGIN  # a one-second limit's slot, from the moment its request leaves


def test_a_slot_counts_from_when_its_request_left_not_from_its_answer() -> None:
    window = Window(Limit(2, 1.0))
    window.take()
    window.take()
    assert window.free(0.0) == 0
    window.release(0.15, left_at=0.0)  # a round trip of 150 ms costs nothing
    window.release(0.3, left_at=0.1)
    assert window.next_free(0.5) == pytest.approx(HOLD)
    assert window.free(HOLD - 0.001) == 0 and window.free(HOLD) == 1
    assert window.free(0.1 + HOLD) == 2


def test_a_slot_waits_for_its_answer_when_that_comes_after_the_period() -> None:
    window = Window(Limit(1, 1.0))
    window.take()
    assert window.next_free(5.0) is None  # Telegram has not answered: wait for it
    window.release(5.0, left_at=0.0)
    assert window.free(5.0) == 1


def test_a_request_that_never_left_gives_its_slot_back() -> None:
    window = Window(Limit(1, 1.0))
    window.take()
    window.release(0.2, left_at=None)
    assert window.free(0.2) == 1


def test_no_slot_is_kept_from_bulk() -> None:
    pace = Pace(Limit(30, 1.0))
    assert pace.window is not None and pace.window.limit.count == 30
    assert pace.spacer is not None and pace.spacer.interval == pytest.approx(HOLD / 30)


def test_spacing_allows_a_small_catch_up_only() -> None:
    spacer = Spacer(0.1, burst=3)
    spacer.take(10.0)
    spacer.take(10.0)
    spacer.take(10.0)
    assert spacer.ready_at() > 10.0  # the fourth waits
    spacer.take(20.0, slowdown=2.0)
    assert spacer.ready_at() == 20.0 - 0.4 + 0.2


def test_a_burst_goes_at_once_whatever_the_clock_started_at() -> None:
    for start in (0.0, 12_345.0):  # a virtual clock starts at 0, the loop's at boot
        spacer = Spacer(0.1, burst=3)
        for _ in range(3):
            assert spacer.ready_at() <= start
            spacer.take(start)
        assert spacer.ready_at() == pytest.approx(start + 0.1)


def test_limits_from_rates() -> None:
    limits = Limits.from_rates(overall=30, private_chat=1, group_per_minute=20, paid=0)
    assert limits.overall == Limit(30, 1.0)
    assert limits.private_chat == Limit(1, 1.0)
    assert limits.group_chat == Limit(20, 60.0)
    assert limits.paid is None
    assert Limits.from_rates(overall=0.5, private_chat=0, group_per_minute=20).overall == Limit(
        1, 2.0
    )


def test_a_round_trip_is_late_by_how_much_it_exceeds_nine_in_ten_recent_ones() -> None:
    round_trips = RoundTrips(keep=100)
    for i in random.Random(1).sample(range(100), 100):
        round_trips.observe(0.1 + i / 1000)  # 100 to 199 ms
    assert round_trips.observe(0.15) == 0.0
    assert round_trips.observe(0.5) == pytest.approx(0.5 - 0.19, abs=0.003)
    for _ in range(100):  # the usual changes with the network
        round_trips.observe(0.5)
    assert round_trips.observe(0.5) == 0.0


def test_a_late_answer_holds_its_slot_as_much_longer() -> None:
    window = Window(Limit(1, 1.0))
    window.take()
    window.release(0.45, left_at=0.0, late=0.3)  # it may have arrived 300 ms late too
    assert window.next_free(0.5) == pytest.approx(HOLD + 0.3)


def test_a_stall_counts_for_the_requests_on_their_way_while_it_lasted() -> None:
    stalls = Stalls()
    stalls.observe(10.0, 0.001)  # the loop's ordinary jitter
    stalls.observe(10.5, 0.08)
    stalls.observe(11.0, 0.03)
    assert stalls.since(10.4) == 0.08  # on its way when the loop stood still for 80 ms
    assert stalls.since(10.6) == 0.03
    assert stalls.since(9.0) == 0.08 and stalls.since(11.1) == 0.0
