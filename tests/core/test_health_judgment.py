"""/healthz's judgment on plain values: each loop that shows no life is one reason."""

from bot.core.health import OUTBOX_HELD_LIMIT, UPDATES_WITHIN, Observed, problems

START = 1000.0


def seen(**kw: object) -> Observed:
    values: dict[str, object] = {"now": START + 300, "started_at": START, "polled_at": START + 299}
    values.update(kw)
    return Observed(**values)  # type: ignore[arg-type]


def test_a_bot_whose_loops_all_show_life_is_healthy() -> None:
    assert problems(seen(tick_seconds=30, ticked_at=START + 290)) == []


def test_polling_without_a_successful_getupdates_for_90_seconds_is_unhealthy() -> None:
    assert problems(seen(polled_at=START + 300 - UPDATES_WITHIN)) == []
    found = problems(seen(polled_at=START + 300 - UPDATES_WITHIN - 1))
    assert len(found) == 1 and found[0].startswith("getUpdates: no success for 91 s")


def test_a_bot_just_started_is_not_yet_judged_on_its_updates() -> None:
    assert problems(seen(now=START + 60, polled_at=None)) == []
    assert problems(seen(now=START + 91, polled_at=None))[0].startswith(
        "getUpdates: no success since start"
    )


def test_webhook_mode_needs_setwebhook_to_have_succeeded_not_recent_updates() -> None:
    assert problems(seen(webhook=True, polled_at=None, webhook_set=True)) == []
    assert problems(seen(webhook=True, polled_at=None, webhook_set=False)) == [
        "webhook: setWebhook has not succeeded since start"
    ]


def test_a_scheduler_silent_for_over_twice_its_interval_is_unhealthy() -> None:
    assert problems(seen(tick_seconds=30, ticked_at=START + 240)) == []
    assert problems(seen(tick_seconds=30, ticked_at=START + 239)) == [
        "scheduler: no tick for 61 s (limit 60 s)"
    ]
    assert problems(seen(tick_seconds=None, ticked_at=None)) == []  # no scheduler configured


def test_an_outbox_held_by_429s_for_over_ten_minutes_is_unhealthy() -> None:
    assert problems(seen(outbox_held=OUTBOX_HELD_LIMIT)) == []
    assert problems(seen(outbox_held=OUTBOX_HELD_LIMIT + 1)) == [
        "outbox: held by 429s for 601 s (limit 600 s)"
    ]


def test_a_database_that_does_not_answer_is_unhealthy_and_every_reason_is_listed() -> None:
    found = problems(seen(database="disk I/O error", polled_at=START, outbox_held=700))
    assert len(found) == 3
    assert found[-1] == "database: disk I/O error"
