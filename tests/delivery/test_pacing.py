"""Windows count a send from when it leaves until a period after its answer."""

import pytest

from bot.delivery.pacing import Limit, Limits, Spacer, Window


def test_a_slot_frees_a_period_after_the_answer_not_after_the_send() -> None:
    window = Window(Limit(2, 1.0))
    window.take()
    window.take()
    assert window.free(0.0) == 0
    assert window.next_free(0.0) is None  # both still in flight: wait for an answer
    window.release(0.3)
    assert window.next_free(0.5) == 1.3
    assert window.free(1.29) == 0 and window.free(1.3) == 1


def test_keeping_slots_for_replies() -> None:
    window = Window(Limit(3, 1.0))
    window.take()
    window.release(0.0)
    window.take()
    window.release(0.1)
    assert window.free(0.2) == 1
    assert window.next_free(0.2, keep=1) == 1.0  # two must be free so one stays for replies


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
