"""Digests killed mid-run: only the ones Telegram already had can be uncertain (issue 10, item 9).

Three hundred chats are due at the same minute, each with an article for its topic; the
bot (tests/bot/clocked_bot.py, the real Application in its own process) sends their
digests at SEND_RATE, a slow pace, so most of them wait in the outbox while a few are
in flight. After a random number of digests reached the fake Bot API, the test kills
it with SIGKILL, starts it again within the catch-up window and lets it finish.

Where the kill falls is made exact, not left to the machine's speed: from the chosen
moment the fake keeps its answers to digests back (each is delivered, its answer
waits, as when Telegram's answers stall). The outbox holds a slot from a request's
departure until a second after it, and until its answer if that comes later, so it
stops sending once all its slots wait on answers: at the kill, the digests in flight
are exactly those the fake holds, all delivered, and nothing is on its way (the bot
waits for answers longer than the test waits for anything, so none times out). A ledger
that marks a row `sending` while its digest merely waits in the outbox leaves those
waiting rows `uncertain` too, readers who then never get that digest: the bug this
test is for.

Checked: nobody gets the digest twice; every uncertain row is a digest the fake had
delivered before the kill, and they are exactly the ones in flight (held) at the
kill; every other reachable chat gets it once; the unreachable ones get nothing.
"""

from __future__ import annotations

import asyncio
import random
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import load_settings
from bot.context import Services
from bot.delivery.digests import CONCURRENT_SENDS
from bot.delivery.pacing import Limits
from tests.backends import TestDatabase
from tests.bot.clocked_bot import spawn
from tests.delivery.audience import known_to_telegram, seed_chats
from tests.delivery.scenario import audience
from tests.fakes.bot_api import FakeBotAPI, RateLimit
from tests.fakes.feed_server import FeedServer
from tests.feeds import SEED_URL, rss, seed_item

MINUTE = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # every chat's digest time (UTC zone)
TOPIC = "south_caucasus"  # the seed article's topic
RATE = 15  # SEND_RATE: digests a second, all chats together
TICK = 0.2  # seconds between digest ticks
CHATS, BLOCKED, GONE = 300, 12, 8
TIMEOUT = 120  # for a whole run on a loaded machine; every wait is on a condition


class StalledAnswers:
    """Once `stall()` is called, the fake delivers each digest but keeps its answer back.

    `held` are the chats whose digest was delivered and whose answer waits. Refusals
    (blocked, chat not found) are answered at once.
    """

    def __init__(self, api: FakeBotAPI) -> None:
        methods: dict[str, tuple[str, Any]] = api._server._methods  # the fake's routing table
        name, self._send_message = methods["sendmessage"]
        methods["sendmessage"] = (name, self._answer)
        self.held: set[int] = set()
        self._stalled = False
        self._resume = asyncio.Event()

    def stall(self) -> None:
        self._stalled = True

    def resume(self) -> None:
        self._stalled = False
        self._resume.set()

    async def _answer(self, params: dict[str, Any]) -> Any:
        result = await self._send_message(params)  # delivered: the chat has the message
        if self._stalled:
            self.held.add(params["chat_id"])
            await self._resume.wait()  # cancelled when the killed bot's connection drops
        return result


async def prepare(database: TestDatabase, feed_server: FeedServer, everyone: list[int]) -> None:
    services = await Services.create(
        load_settings(**database.settings(), bot_token=None, allow_private_feeds=True)
    )
    try:
        feed, _ = await services.feeds.add(feed_server.serve("/news.xml", rss([seed_item()])))
        await services.ingestor.run([feed])
        published = (MINUTE - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        await services.db.execute("UPDATE articles SET published_at = ?", (published,))
        await seed_chats(services.db, everyone, topic=TOPIC)
        await services.db.execute("UPDATE users SET timezone = 'UTC', digest_times = '07:30'")
    finally:
        await services.close()


async def start(
    api: FakeBotAPI, tmp_path: Path, database: TestDatabase, run: int, clock_start: datetime
) -> asyncio.subprocess.Process:
    env = {
        **database.env(),
        "ALLOW_PRIVATE_FEEDS": "1",  # the feed server is on 127.0.0.1
        "SEND_RATE": str(RATE),
        "MUJAZ_TEST_CLOCK_START": clock_start.isoformat(),
        "MUJAZ_TEST_TICK": str(TICK),
        "MUJAZ_TEST_RECORD": str(record_file(tmp_path, run)),
        # Held answers must not time out before the kill, however long a loaded machine
        # makes the waits: a digest timed out is closed 'uncertain' by the bot itself and
        # its slot goes to the next, which the kill would then find on its way.
        "MUJAZ_TEST_READ_TIMEOUT": str(4 * TIMEOUT),
    }
    return await spawn(api, tmp_path, tmp_path / f"bot-{run}.log", env)


async def kill(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


def record_file(tmp_path: Path, run: int) -> Path:
    return tmp_path / f"record-{run}"


def recorded(tmp_path: Path, run: int, what: str) -> list[str]:
    path = record_file(tmp_path, run)
    if not path.exists():
        return []
    return [line.split()[1] for line in path.read_text().splitlines() if line.startswith(what)]


def ledger(database: TestDatabase) -> dict[int, str]:
    return dict(database.rows("SELECT chat_id, status FROM deliveries WHERE kind = 'digest'"))


def delivered(api: FakeBotAPI) -> list[int]:
    """The chat of every digest the fake delivered, in order (a chat twice: twice)."""
    return [m["chat"]["id"] for m in api.sent if SEED_URL in str(m.get("html"))]


def asked(api: FakeBotAPI) -> set[int]:
    """Chats whose digest reached the fake, delivered or refused."""
    return {int(params["chat_id"]) for method, params in api.requests if method == "sendMessage"}


def bulk_slots() -> int:
    """Digests the outbox lets go without an answer at SEND_RATE: every slot of the limit."""
    limit = Limits.from_rates(overall=RATE, private_chat=1, group_per_minute=20).overall
    assert limit is not None
    return limit.count


async def test_killed_mid_run_only_digests_telegram_had_are_uncertain(
    fake_bot_api: FakeBotAPI, feed_server: FeedServer, tmp_path: Path, database: TestDatabase
) -> None:
    api = fake_bot_api
    # The fake refuses (429) anything faster than Telegram allows. In real time, with the bot
    # and the fake in two processes on a busy machine, a stall can bunch a few sends up on
    # their way; the outbox retries them (they are then delivered once, checked below).
    # How closely it keeps the pace is measured on virtual time (test_full_pace.py).
    api.set_rate_limits(overall=RateLimit(RATE, 1.0), private_chat=RateLimit(1, 1.0))
    reachable, blocked, gone = audience(CHATS, BLOCKED, GONE)
    everyone = [*reachable, *blocked, *gone]
    known_to_telegram(api, reachable, blocked=blocked)
    await prepare(database, feed_server, everyone)
    answers = StalledAnswers(api)
    slots = bulk_slots()
    assert slots < CONCURRENT_SENDS  # so that digests wait in the outbox, behind the slots

    seed = random.randrange(10**6)
    kill_after = random.Random(seed).randrange(30, len(reachable) - 4 * slots)
    context = f"seed {seed}, killed after {kill_after} digests"

    bot = await start(api, tmp_path, database, 0, MINUTE + timedelta(seconds=2))
    try:
        await api.wait_for(lambda: len(delivered(api)) >= kill_after, timeout=TIMEOUT)
        answers.stall()
        # The outbox stops once every slot waits on an answer; the rows of the digests
        # answered before that are closed.
        await api.wait_for(lambda: len(answers.held) == slots, timeout=TIMEOUT)
        await api.wait_for(
            lambda: all(
                ledger(database).get(chat) not in ("pending", "sending")
                for chat in asked(api) - answers.held
            ),
            timeout=TIMEOUT,
        )
        had = set(delivered(api))
        in_flight = set(answers.held)
    finally:
        await kill(bot)
    assert set(delivered(api)) == had, context  # nothing was on its way at the kill
    at_kill = ledger(database)
    sending = {chat for chat, status in at_kill.items() if status == "sending"}
    granted = {int(chat) for chat in recorded(tmp_path, 0, "grant ")}
    answers.resume()

    bot = await start(
        api, tmp_path, database, 1, MINUTE + timedelta(minutes=10)
    )  # still due: catch-up
    try:

        def finished() -> bool:
            rows = ledger(database)
            return len(rows) == len(everyone) and not {"pending", "sending"} & set(rows.values())

        await api.wait_for(finished, timeout=TIMEOUT)
        ticks = len(recorded(tmp_path, 1, "tick "))
        # A few more ticks, and nothing more goes out.
        await api.wait_for(lambda: len(recorded(tmp_path, 1, "tick ")) >= ticks + 3, timeout=30)
    finally:
        await kill(bot)

    rows = ledger(database)
    got = dict.fromkeys(everyone, 0)
    for chat in delivered(api):
        got[chat] += 1
    uncertain = {chat for chat, status in rows.items() if status == "uncertain"}
    context += f", {len(uncertain)} uncertain, {len(in_flight)} in flight at the kill"
    twice = sorted(chat for chat, n in got.items() if n > 1)
    assert not twice, f"{context}: got the digest twice: {twice}"
    never_left = sorted(uncertain - had)
    assert not never_left, (
        f"{context}: uncertain but never reached Telegram (the reader lost the digest): "
        f"{len(never_left)} chats {never_left}"
    )
    assert uncertain == sending == in_flight, f"{context}: uncertain {sorted(uncertain)}"
    assert uncertain <= granted, context  # the outbox had let each of them go
    missed = sorted(c for c in reachable if c not in uncertain and got[c] != 1)
    assert not missed, f"{context}: reachable, not uncertain, and not sent once: {missed}"
    assert all(rows[c] == "sent" for c in reachable if c not in uncertain), context
    assert all(got[c] == 0 and rows[c] in ("blocked", "failed") for c in [*blocked, *gone])
    after = len(delivered(api)) - len(had)
    print(f"{context}; {len(had)} digests delivered before the kill, {after} after the restart")
