"""Whether the bot is healthy, judged from what it last saw (plain values, no I/O).

The bot is healthy when each of its loops shows life recently enough:

- updates: long polling's getUpdates succeeded within UPDATES_WITHIN (it returns at
  least every poll timeout, so a silence that long means Telegram is unreachable or
  the token is refused); in webhook mode, setWebhook succeeded since start (updates
  come when users write, so their silence says nothing);
- the scheduler ticked within twice its interval (a stuck event loop or a dead job queue);
- the outbox has not been held by 429s for over OUTBOX_HELD_LIMIT;
- the database answered.

A bot that started less than UPDATES_WITHIN ago is not yet judged on its updates.
"""

from __future__ import annotations

from dataclasses import dataclass

UPDATES_WITHIN = 90.0
OUTBOX_HELD_LIMIT = 600.0


@dataclass(frozen=True)
class Observed:
    """What the bot saw, as monotonic seconds (`now` on the same clock)."""

    now: float
    started_at: float
    webhook: bool = False
    polled_at: float | None = None  # last getUpdates that succeeded
    webhook_set: bool = False  # setWebhook succeeded since start
    tick_seconds: float | None = None  # the scheduler's interval; None: no scheduler runs
    ticked_at: float | None = None
    outbox_held: float = 0.0  # seconds bulk sending has been held by 429s
    database: str | None = None  # why the database did not answer; None: it did


def problems(seen: Observed) -> list[str]:
    """Why the bot is unhealthy, one short reason each; empty when it is healthy."""
    found: list[str] = []
    up_for = seen.now - seen.started_at
    if seen.webhook:
        if not seen.webhook_set and up_for > UPDATES_WITHIN:
            found.append("webhook: setWebhook has not succeeded since start")
    else:
        last = seen.polled_at if seen.polled_at is not None else seen.started_at
        if seen.now - last > UPDATES_WITHIN:
            since = "since start" if seen.polled_at is None else "for"
            found.append(
                f"getUpdates: no success {since} {seen.now - last:.0f} s"
                f" (limit {UPDATES_WITHIN:.0f} s)"
            )
    if seen.tick_seconds is not None:
        last_tick = seen.ticked_at if seen.ticked_at is not None else seen.started_at
        limit = 2 * seen.tick_seconds
        if seen.now - last_tick > limit:
            found.append(
                f"scheduler: no tick for {seen.now - last_tick:.0f} s (limit {limit:.0f} s)"
            )
    if seen.outbox_held > OUTBOX_HELD_LIMIT:
        found.append(
            f"outbox: held by 429s for {seen.outbox_held:.0f} s (limit {OUTBOX_HELD_LIMIT:.0f} s)"
        )
    if seen.database is not None:
        found.append(f"database: {seen.database}")
    return found
