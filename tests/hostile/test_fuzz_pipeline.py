"""500 random mutations of real feeds go through parse → clean → classify → store → render, and
nothing breaks: nothing raises out of the pipeline, the event loop is never held for more than
200 ms, and every digest message is one the fake Bot API (Telegram's HTML rules, 4096 UTF-16
units) accepts.

What runs: 500 mutants of the files in ``../shared/feeds/`` (tests/hostile/feed_mutations.py
says how they are made) are served by the loopback feed server and ingested in 10 passes of 50,
by the real Ingestor with the bot's own parser process (``Services.parser``) and full-text
fetching off (no article page is on loopback). The 50 addresses stay the same from pass to
pass, so each feed is read 10 times with a different body: later passes see revised, vanished
and repeated items too. After each pass the digest is previewed (``DigestService.preview``, as
``mujaz preview`` does) for three readers subscribed to every topic: an Arabic and an English
one who read every language, limited to the stories that pass added, and a default Arabic
reader of everything so far. So all 500 bodies go the whole way; none is left to a subset.
About 30 s here on a loaded 2-core machine.

Checked besides: every feed ends a pass as a feed may (ok, not a feed, a refused DTD, or
`error` with the parser library's reason), never with a crashed or timed-out parser or a failed
fetch; nothing reaches the pipeline's catch-all (it logs an ERROR); what is stored carries no
invisible character, no date before 1990 or in the future, no title, text or source name over
its cap, and only web links; and a link in a digest is a web link.

The loop-lag probe (tests/hostile/loop_lag.py) is a task that sleeps 10 ms at a time while the
pipeline runs and keeps the worst overshoot, less the time the machine's scheduler kept our
threads waiting for a core. The objects that exist before the run (pytest's, earlier tests',
the services') are frozen out of the garbage collector (gc.freeze) while it lasts: a full
collection walks every object there is, holding the loop, and after a few hundred tests that
took over 200 ms; over the run's own objects it takes a fraction of that (over a bot's heap
just after start-up, about 70 ms here).

The run is seeded: MUJAZ_FUZZ_SEED=<n> replays one, and every assertion message carries the
seed and the mutant. Bounded: 180 s at most, whatever happens.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import re
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from bot.context import Services
from bot.core.clean import MAX_SOURCE_CHARS
from bot.core.invisible import BIDI_CONTROLS, CONTROLS, ZERO_WIDTH
from bot.core.language import NEWS_LANGUAGES
from bot.core.urls import is_web_url
from bot.ingest.fetch import FetchLimits
from bot.ingest.pipeline import Ingestor
from bot.ingest.process import MAX_TEXT_CHARS, MAX_TITLE_CHARS
from bot.ingest.timing import Timing
from bot.models import Chat, Digits, FeedStatus, FullText
from storage.db import from_db_time
from tests.fakes.bot_api.protocol import ApiError
from tests.fakes.bot_api.validation import message_text
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram_html import parse_telegram_html_entities
from tests.hostile.feed_mutations import Mutant, mutant, sample_files
from tests.hostile.loop_lag import LoopLag

DEFAULT_SEED = 20261201
MUTANTS = 500
FEEDS = 50  # addresses served; one pass reads each once
WALL_BOUND = 180.0  # seconds for the whole test, on any machine
SINCE = timedelta(days=365 * 40)  # the preview reaches back past 1990, the earliest date kept
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
# How a feed may end a pass. `error` is the parser library failing on the body, reported as
# the feed's own failure (an exception that reaches the pipeline's catch-all is logged as an
# ERROR, and that is a finding); a crashed or timed-out parser, or a fetch that failed (the
# server is on loopback and always answers), is a finding.
EXPECTED = frozenset(
    {
        FeedStatus.OK,
        FeedStatus.NOT_MODIFIED,
        FeedStatus.NOT_A_FEED,
        FeedStatus.HOSTILE_DTD,
        FeedStatus.ERROR,
    }
)
LIMITS = FetchLimits(  # roomy: the server is local, and a loaded machine must not fail a fetch
    total_timeout=30.0,
    connect_timeout=10.0,
    read_timeout=10.0,
    max_bytes=2 * 1024 * 1024,
    max_redirects=4,
    concurrency=8,
)
_HIDDEN = re.compile("[" + re.escape(BIDI_CONTROLS + ZERO_WIDTH + CONTROLS) + "]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # never in a link


def fuzz_seed() -> int:
    return int(os.environ.get("MUJAZ_FUZZ_SEED", DEFAULT_SEED))


def readers(newest_before: int) -> list[Chat]:
    """Who the digest is previewed for after a pass."""
    every = frozenset(NEWS_LANGUAGES)
    return [
        Chat(1, "ar", "Asia/Riyadh", max_items=50, languages=every, last_article_id=newest_before),
        Chat(
            2,
            "en",
            "Pacific/Kiritimati",
            max_items=50,
            languages=every,
            digits=Digits.LATIN,
            last_article_id=newest_before,
        ),
        Chat(3, "ar", "America/St_Johns", max_items=10),  # the best ten of everything so far
    ]


def message_problem(message: str) -> str | None:
    """Why Telegram would refuse this digest message (the fake's own check), or show a link a
    reader must not get; None when it is fine."""
    try:
        message_text({"text": message, "parse_mode": "HTML"})
    except ApiError as exc:
        return exc.description
    for entity in parse_telegram_html_entities(message).entities:
        url = entity.get("url")
        if entity["type"] == "text_link" and not (
            str(url).lower().startswith(("http://", "https://"))
            and is_web_url(str(url))
            and not _CONTROL.search(str(url))
        ):
            return f"a link to {url!r}"
    return None


def stored_problems(row: dict[str, object], now: datetime) -> list[str]:
    found = []
    for name in ("title", "summary", "text", "source"):
        hidden = _HIDDEN.search(str(row[name]))
        if hidden:
            found.append(f"{name} carries U+{ord(hidden.group()):04X}")
    caps = {"title": MAX_TITLE_CHARS, "text": MAX_TEXT_CHARS, "source": MAX_SOURCE_CHARS}
    for name, cap in caps.items():
        if len(str(row[name])) > cap:
            found.append(f"{name} is {len(str(row[name]))} characters")
    if not str(row["title"]).strip():
        found.append("an empty title")
    published = from_db_time(str(row["published_at"]))
    if not EARLIEST <= published <= now + timedelta(days=1):
        found.append(f"published {row['published_at']}")
    if not is_web_url(str(row["url"])) or _CONTROL.search(str(row["url"])):
        found.append(f"url {row['url']!r}")
    return found


class Findings:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.items: list[str] = []

    def add(self, where: str, what: str) -> None:
        self.items.append(f"{where}: {what}")

    def report(self) -> str:
        shown = "\n  ".join(self.items[:15])
        more = f"\n  … and {len(self.items) - 15} more" if len(self.items) > 15 else ""
        return (
            f"fuzz seed {self.seed} (replay: MUJAZ_FUZZ_SEED={self.seed}), "
            f"{len(self.items)} findings:\n  {shown}{more}"
        )


class FuzzRun:
    """The passes of one run, and what they found."""

    def __init__(
        self,
        services: Services,
        server: FeedServer,
        caplog: pytest.LogCaptureFixture,
        seed: int,
    ) -> None:
        self.services = services
        self.server = server
        self.caplog = caplog
        self.ingestor = Ingestor(
            services.feeds,
            services.articles,
            services.stories,
            services.classifier,
            services.http,
            timing=Timing(jitter=0),
            limits=LIMITS,
            clock=services.clock,
            parser=services.parser,  # the bot's own parser process, as in production
        )
        self.findings = Findings(seed)
        self.lag = LoopLag()
        self.statuses: Counter[str] = Counter()
        self.stored = self.shown = self.messages = 0
        self.paths = [f"/fuzz/{slot}.xml" for slot in range(FEEDS)]
        self.feed_ids: list[int] = []
        self.logged = 0

    async def start(self) -> None:
        for path in self.paths:
            feed, _ = await self.services.feeds.add(self.server.url(path))
            await self.services.feeds.set_full_text(feed.id, FullText.OFF)
            self.feed_ids.append(feed.id)
        self.logged = len(self.caplog.records)

    async def one_pass(self, number: int, batch: Sequence[Mutant]) -> None:
        """Serve the batch, ingest it, check what was stored, preview the digests."""
        first = number * FEEDS
        stage = f"pass {number} (mutants {first}–{first + len(batch) - 1})"
        for path, one in zip(self.paths, batch, strict=False):
            self.server.serve(path, one.body, content_type=one.content_type)
        feeds = [f for i in self.feed_ids[: len(batch)] if (f := await self.services.feeds.get(i))]
        newest_before = await self.services.stories.newest_article()
        try:
            async with self.lag.watching(f"ingesting, {stage}"):
                reports = await self.ingestor.run(feeds)
        except Exception as exc:  # a finding, reported with the seed
            raise AssertionError(f"{self.findings.report()}\n{stage} raised {exc!r}") from exc
        for index, (one, report) in enumerate(zip(batch, reports, strict=True), first):
            self.statuses[report.status] += 1
            if report.status not in EXPECTED:
                self.findings.add(
                    f"mutant {index}", f"{report.status} {report.error} — {one.describe()}"
                )
        self.check_log(batch, stage)
        await self.check_stored(batch, first, newest_before)
        for reader in readers(newest_before):
            await self.preview(reader, f"preview for reader {reader.chat_id}, {stage}")

    def check_log(self, batch: Sequence[Mutant], stage: str) -> None:
        """An ERROR is the pipeline's catch-all at work (or worse): it names the feed's URL."""
        for record in self.caplog.records[self.logged :]:
            if record.levelno < logging.ERROR:
                continue
            url = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
            path = url.removeprefix(self.server.base)
            culprit = batch[self.paths.index(path)].describe() if path in self.paths else stage
            raised = record.exc_info[1] if record.exc_info else None
            what = f"{record.getMessage()[:300]}: {raised!r} — {culprit}"
            self.findings.add(f"{record.name} logged", what)
        self.logged = len(self.caplog.records)

    async def check_stored(self, batch: Sequence[Mutant], first: int, newest_before: int) -> None:
        slots = {feed_id: slot for slot, feed_id in enumerate(self.feed_ids)}
        now = self.services.clock()
        for row in await self.services.db.fetchall(
            "SELECT * FROM articles WHERE id > ?", (newest_before,)
        ):
            self.stored += 1
            slot = slots[int(row["feed_id"])]
            for problem in stored_problems(dict(row), now):
                self.findings.add(f"mutant {first + slot}", f"{problem} — {batch[slot].describe()}")

    async def preview(self, reader: Chat, where: str) -> None:
        topics = self.services.catalog.ids()
        try:
            async with self.lag.watching(where):
                composed = await self.services.digests.preview(reader, topics, since=SINCE)
        except Exception as exc:  # a finding, reported with the seed
            raise AssertionError(f"{self.findings.report()}\n{where} raised {exc!r}") from exc
        self.shown += len(composed.story_ids)
        for index, message in enumerate(composed.messages):
            self.messages += 1
            problem = message_problem(message)
            if problem:
                self.findings.add(f"{where}, message {index}", f"{problem}\n{message[:2000]}")


async def test_mutated_real_feeds_pass_the_whole_pipeline(
    services: Services, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    seed = fuzz_seed()
    assert sample_files() > 1000, "the shared feed samples are missing"
    rng = random.Random(seed)
    mutants = [mutant(rng) for _ in range(MUTANTS)]
    caplog.set_level(logging.WARNING)
    run = FuzzRun(services, feed_server, caplog, seed)
    started = time.monotonic()
    gc.collect()
    gc.freeze()  # see the module's notes: the collector walks only what the run makes
    try:
        async with asyncio.timeout(WALL_BOUND):
            await run.start()
            for number, first in enumerate(range(0, MUTANTS, FEEDS)):
                await run.one_pass(number, mutants[first : first + FEEDS])
    except TimeoutError:
        raise AssertionError(
            f"{run.findings.report()}\nthe run outlasted {WALL_BOUND:g} s"
        ) from None
    finally:
        gc.unfreeze()
    elapsed = time.monotonic() - started

    for late in run.lag.over:
        run.findings.add("event loop", late)
    print(
        f"\nfuzz seed {seed}: {MUTANTS} mutants in {elapsed:.1f} s, worst loop lag "
        f"{run.lag.worst * 1000:.0f} ms ({run.lag.where}; {run.lag.worst_raw * 1000:.0f} ms"
        f" with run-queue waits); feeds {dict(run.statuses)}; {run.stored} articles stored,"
        f" {run.shown} stories in {run.messages} digest messages"
    )
    assert not run.findings.items, run.findings.report()
    read = run.statuses[FeedStatus.OK]
    assert read >= MUTANTS // 4, f"seed {seed}: too few feeds read: {dict(run.statuses)}"
    assert run.stored and run.messages, f"seed {seed}: nothing reached a digest"
