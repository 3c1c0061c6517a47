"""The hot standby takes over from a SIGKILLed bot (issue 14): on one PostgreSQL, an active
`--role bot` process is sending a broadcast and then, once the readers' digests fall due
(digests go first), a digest run, while a second waits on the sender lease (an advisory
lock). The active one is killed with SIGKILL; PostgreSQL ends its
session, the standby takes the lock, settles the ledger, polls Telegram and finishes both.

Checked through the fake Bot API: the standby polls within TAKEOVER of the kill; nobody
gets the digest or the broadcast twice; every reachable chat gets each once unless its row
is uncertain, and every uncertain row is a message the killed bot had let go (in flight at
the kill); the broadcast's report counts its uncertain copies. Both bots are
tests/bot/clocked_bot.py with MUJAZ_TEST_ROLE=bot: `mujaz run --role bot`'s lease and role,
with a clock set just before the readers' digest minute.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from tests.backends import TestDatabase
from tests.bot.clocked_bot import launch, release
from tests.bot.test_broadcast_survives_kill import arabic_number
from tests.bot.test_digests_survive_kill import MINUTE, prepare, record_file, recorded
from tests.delivery.audience import known_to_telegram
from tests.delivery.scenario import ADMIN, audience, press_send, report_of
from tests.fakes.bot_api import FakeBotAPI, RateLimit
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL
from tests.ops.bot_process import until
from tests.ops.postgres_roles import polls

RATE = 15  # messages a second, digests and broadcast together: a few seconds of sending
CHATS, BLOCKED, GONE = 80, 4, 2
KILL_AFTER = 5  # digests, and broadcast copies, delivered before the kill
TAKEOVER = 60  # seconds from the kill to the standby's polling (the bound)
TIMEOUT = 120
ACTIVE, STANDBY = 0, 1  # their record files


def env_for(database: TestDatabase, tmp_path: Path, run: int, clock_start: str) -> dict[str, str]:
    return {
        **database.env(),
        "MUJAZ_TEST_ROLE": "bot",
        "ADMIN_IDS": str(ADMIN),
        "ALLOW_PRIVATE_FEEDS": "1",
        "SEND_RATE": str(RATE),
        "LEASE_HEARTBEAT_SECONDS": "1",
        "MUJAZ_TEST_CLOCK_START": clock_start,
        "MUJAZ_TEST_TICK": "0.2",
        "MUJAZ_TEST_RECORD": str(record_file(tmp_path, run)),
    }


def digests(api: FakeBotAPI) -> Counter[int]:
    return Counter(m["chat"]["id"] for m in api.sent if SEED_URL in str(m.get("html")))


def broadcasts(api: FakeBotAPI, everyone: set[int]) -> Counter[int]:
    return Counter(
        m["chat"]["id"]
        for m in api.sent
        if m["chat"]["id"] in everyone and SEED_URL not in str(m.get("html"))
    )


def statuses(database: TestDatabase, sql: str) -> dict[int, str]:
    return {int(chat): str(status) for chat, status in database.rows(sql)}


def digest_ledger(database: TestDatabase) -> dict[int, str]:
    return statuses(database, "SELECT chat_id, status FROM deliveries WHERE kind = 'digest'")


def broadcast_ledger(database: TestDatabase) -> dict[int, str]:
    return statuses(database, "SELECT chat_id, status FROM broadcast_recipients")


async def test_the_standby_takes_over_a_killed_bots_digest_run_and_broadcast_once(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, empty_postgres: str
) -> None:
    api = fake_bot_api
    api.set_rate_limits(overall=RateLimit(RATE, 1.0), private_chat=RateLimit(1, 1.0))
    database = TestDatabase("postgresql", tmp_path / "unused.db", empty_postgres)
    reachable, blocked, gone = audience(CHATS, BLOCKED, GONE)
    everyone = {*reachable, *blocked, *gone}
    known_to_telegram(api, reachable, blocked=blocked)
    await prepare(database, feed_server, sorted(everyone))
    not_yet = "UPDATE users SET digest_times = ? RETURNING chat_id"
    database.rows(not_yet, ("12:00",))  # the digests fall due once the broadcast is going

    # Both bots' clocks start just after the readers' digest minute (a digest still due).
    start = (MINUTE + timedelta(seconds=2)).isoformat()
    active_env = env_for(database, tmp_path, ACTIVE, start)
    active_start = await launch(tmp_path, tmp_path / "active.log", active_env, api)
    standby_env = env_for(database, tmp_path, STANDBY, start)
    standby = await launch(tmp_path, tmp_path / "standby.log", standby_env, api)
    try:
        active = await release(api, active_start)
        standby.go.touch()
        standby_log = tmp_path / "standby.log"
        await until(lambda: "standby:" in standby_log.read_text(errors="replace"), 60, "waiting")
        await press_send(api)
        await api.wait_for(
            lambda: sum(broadcasts(api, everyone).values()) >= KILL_AFTER, timeout=TIMEOUT
        )
        # The digests come due and take the outbox before the rest of the broadcast.
        database.rows(not_yet, (MINUTE.strftime("%H:%M"),))
        await api.wait_for(lambda: sum(digests(api).values()) >= KILL_AFTER, timeout=TIMEOUT)
        active.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        await active.wait()
        at_kill = digest_ledger(database), broadcast_ledger(database)
        let_go = {int(chat) for chat in recorded(tmp_path, ACTIVE, "grant ")}
        for rows in at_kill:  # both were under way
            assert {"pending", "sending"} & set(rows.values()), f"finished before the kill: {rows}"
        at_kill_counts = [Counter(rows.values()) for rows in at_kill]

        taken = "sender lease taken: this process sends"
        await until(lambda: taken in standby_log.read_text(), TAKEOVER, "the lease taken")
        before = polls(api)
        await until(lambda: polls(api) > before, TAKEOVER, "the standby polling")
        took = time.monotonic() - killed_at
        assert took <= TAKEOVER

        def finished() -> bool:
            rows = digest_ledger(database)
            done = set(reachable) <= set(rows) and not {"pending", "sending"} & set(rows.values())
            return done and report_of(api) is not None

        try:
            await api.wait_for(finished, timeout=TIMEOUT)
        except AssertionError:
            rows = Counter(digest_ledger(database).values())
            raise AssertionError(f"digests {rows}, report {report_of(api)!r}") from None
        ticks = len(recorded(tmp_path, STANDBY, "tick "))
        await api.wait_for(
            lambda: len(recorded(tmp_path, STANDBY, "tick ")) >= ticks + 3,
            timeout=30,
        )  # a few more ticks, and nothing more goes out
    finally:
        for process in (active_start, standby):
            await process.kill()

    digest_rows, broadcast_rows = digest_ledger(database), broadcast_ledger(database)
    got_digest, got_broadcast = digests(api), broadcasts(api, everyone)
    uncertain_digests = {c for c, s in digest_rows.items() if s == "uncertain"}
    uncertain_copies = {c for c, s in broadcast_rows.items() if s == "uncertain"}
    context = (
        f"took over in {took:.1f} s; uncertain: {len(uncertain_digests)} digests,"
        f" {len(uncertain_copies)} broadcast copies; at the kill, digests"
        f" {dict(at_kill_counts[0])} and broadcast {dict(at_kill_counts[1])}"
    )
    assert all(n == 1 for n in got_digest.values()), f"{context}: a digest twice"
    assert all(n == 1 for n in got_broadcast.values()), f"{context}: the broadcast twice"
    assert uncertain_digests | uncertain_copies <= let_go, context  # in flight at the kill
    for chat in reachable:
        assert chat in uncertain_digests or got_digest[chat] == 1, (context, chat)
        assert chat in uncertain_copies or got_broadcast[chat] == 1, (context, chat)
        assert chat in uncertain_digests or digest_rows[chat] == "sent", (context, chat)
        assert chat in uncertain_copies or broadcast_rows[chat] == "sent", (context, chat)
    for chat in [*blocked, *gone]:
        assert got_digest[chat] == 0 and got_broadcast[chat] == 0
    report = report_of(api) or ""
    assert arabic_number(report, "غير مؤكد") == len(uncertain_copies), context
    print(context)
