"""Alerts are deduplicated per kind of trouble and rate-limited overall."""

from bot.core.alert_gate import AlertGate


def test_the_same_trouble_alerts_once_until_the_repeat_time_passes() -> None:
    gate = AlertGate(repeat_after=3600, window=600, per_window=10)
    assert gate.admit("feed-failing:3", 0.0)
    assert not gate.admit("feed-failing:3", 10.0)
    assert not gate.admit("feed-failing:3", 3599.0)
    assert gate.admit("feed-failing:3", 3600.0)


def test_different_troubles_each_alert() -> None:
    gate = AlertGate()
    assert gate.admit("feed-failing:3", 0.0)
    assert gate.admit("feed-failing:4", 0.0)
    assert gate.admit("outbox-held", 0.0)


def test_beyond_the_rate_alerts_are_held_back_and_counted_for_the_next_one() -> None:
    gate = AlertGate(window=600, per_window=3)
    assert [gate.admit(f"error:{i}", 1.0) for i in range(5)] == [True, True, True, False, False]
    assert gate.held_back == 2
    assert gate.admit("error:9", 601.0)  # the window has passed
    assert gate.take_held_back() == 2
    assert gate.take_held_back() == 0


def test_a_held_back_alert_may_go_later_as_it_was_never_sent() -> None:
    gate = AlertGate(window=600, per_window=1)
    assert gate.admit("a", 0.0)
    assert not gate.admit("b", 1.0)
    assert gate.admit("b", 700.0)
