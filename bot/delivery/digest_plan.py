"""Who is due, as a queue: rows claimed as readers' times come, read back a page at a time.

`fill` claims a ledger row for every chat whose digest time has come (or is within the
run's lead of coming), in slices, each with its turn and the newest article at the claim.
`page` reads the head of that queue, the rows that fell due first, and checks each chat
still wants that digest. Memory holds one slice or one page, never every reader.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from bot.core.compose import rendering_key
from bot.core.run_order import lead_for, turn
from bot.core.schedule import due_slot_at, zone
from bot.errors import BadTimezone
from bot.models import Chat, DeliveryStatus
from storage.chats import ChatRepository
from storage.digest_queue import DigestQueueRepository, HeldRow, NewRow, Queued, ScheduleGroup
from storage.follows import FollowRepository
from storage.mutes import MuteRepository
from storage.stories import StoryRepository

log = logging.getLogger(__name__)

PAGE_SIZE = 5_000  # chats read, claimed or composed at once
STALE_AFTER = timedelta(days=1)  # a queued digest not sent by then is dropped: the next is due
_LEFT = (DeliveryStatus.SENDING, DeliveryStatus.SENT, DeliveryStatus.UNCERTAIN)


@dataclass(frozen=True, slots=True)
class Due:
    """A chat whose digest is due, with its claimed ledger row."""

    chat: Chat
    delivery_id: int
    topics: tuple[str, ...]
    phrases: tuple[str, ...] = ()  # keys of the chat's own phrases (/follow)
    due_at: datetime | None = None  # the chosen time (None: a digest asked for now)
    period: str = ""
    up_to: int = 0  # the newest article its digest may hold
    mutes: tuple[str, ...] = ()  # keys of the chat's muted phrases (/mute)


@dataclass
class Page:
    dues: list[Due] = field(default_factory=list)
    phrases: dict[str, str] = field(default_factory=dict)  # key -> phrase, of these chats
    mutes: dict[str, str] = field(default_factory=dict)  # key -> muted phrase, of these chats
    position: tuple[Any, ...] | None = None  # the last row read, to go on after


class DuePlanner:
    def __init__(
        self,
        chats: ChatRepository,
        follows: FollowRepository,
        queue: DigestQueueRepository,
        stories: StoryRepository,
        mutes: MuteRepository,
        *,
        lead: timedelta = timedelta(0),
        rate: float = 0,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """`lead`: DIGEST_LEAD_MINUTES; `rate`: digests a second, to size the lead."""
        self.chats = chats
        self.follows = follows
        self.queue = queue
        self.stories = stories
        self.mutes = mutes
        self.lead = lead
        self.rate = rate
        self.page_size = page_size

    async def fill(
        self,
        now: datetime,
        run: Callable[[], Awaitable[int]],
        scanned: dict[tuple[Any, ...], int] | None = None,
    ) -> int:
        """Claim the rows of every chat whose time has come; returns how many.

        `run` gives the id of the run claiming them (it is written down on first use).
        `scanned` (kept by one run between its fills) notes the schedules whose chats were
        all read for a period: they are read again only when their number changes (a
        reader came, left, paused or moved their time), not every half minute of a long run.

        With a lead, a time up to `lead` ahead counts as come, by as much as sending its
        readers at `rate` takes to centre on it. A chat already holding its period's row
        is left out; its digest then covers its older pending rows, which are withdrawn.
        """
        due: list[tuple[ScheduleGroup, str, datetime]] = []
        for group in await self.queue.schedule_groups():
            try:
                tz = zone(group.timezone)
            except BadTimezone:  # a zone this tz database no longer has: those chats wait
                log.warning("unknown time zone %r: no digest for %d", group.timezone, group.chats)
                continue
            now_due = due_slot_at(now, tz, group.schedule)
            ahead = due_slot_at(now + self.lead, tz, group.schedule) if self.lead else None
            slots = [s for s in (ahead, now_due) if s is not None]
            if slots:
                due.append((group, *slots[0]))
            if ahead and now_due and ahead != now_due:
                due.append((group, *now_due))
        readers: Counter[datetime] = Counter()
        for group, _, at in due:
            readers[at] += group.chats
        chosen: dict[ScheduleGroup, tuple[str, datetime]] = {}
        for group, period, at in due:  # the latest slot whose start has come wins
            if group not in chosen and now >= at - lead_for(readers[at], self.rate, self.lead):
                chosen[group] = (period, at)
        claimed = 0
        up_to: int | None = None
        for group, (period, at) in chosen.items():
            done = (group.params(), period)
            if scanned is not None and scanned.get(done) == group.chats:
                continue
            if up_to is None:  # the window's end: nothing stored after the run took them
                up_to = await self.stories.newest_article()
            after: int | None = None
            while True:
                chats, after = await self.queue.unclaimed(
                    group, period, after=after, limit=self.page_size
                )
                if chats:
                    claimed += await self._claim(chats, period, at, up_to, await run())
                if after is None:
                    break
            if scanned is not None:
                scanned[done] = group.chats
        return claimed

    async def _claim(
        self, chats: list[Chat], period: str, due_at: datetime, up_to: int, run_id: int
    ) -> int:
        ids = [chat.chat_id for chat in chats]
        topics_of = await self.chats.topics_of(ids)
        follows_of = await self.follows.of_many(ids)
        withdraw, skip = _replaced(await self.queue.held(ids, run_id), chats, due_at, run_id)
        rows = []
        for chat in chats:
            if chat.chat_id in skip:
                continue
            phrases = tuple(key for key, _ in follows_of.get(chat.chat_id, ()))
            key = rendering_key(chat, topics_of[chat.chat_id], phrases, due_at)
            place = turn(key, chat.chat_id, key.local_date)
            rows.append(NewRow(chat.chat_id, period, due_at, place, up_to, run_id))
        return await self.queue.enqueue(rows, withdraw=withdraw)

    async def page(
        self, now: datetime, *, exclude: Collection[int] = (), after: tuple[Any, ...] | None = None
    ) -> Page:
        """The next rows to send, in the order they fell due; rows whose chat no longer
        wants that digest (paused, gone, no topics, another time now) are withdrawn."""
        queued = await self.queue.page(self.page_size, exclude=exclude, after=after)
        if not queued:
            return Page()
        live = [q for q in queued if q.chat is not None and still_due(q.chat, q, now)]
        ids = [q.chat_id for q in live]
        topics_of = await self.chats.topics_of(ids)
        follows_of = await self.follows.of_many(ids)
        mutes_of = await self.mutes.of_many(ids)
        page = Page(position=queued[-1].position)
        kept: set[int] = set()
        for q in live:
            assert q.chat is not None
            topics, pairs = topics_of[q.chat_id], follows_of.get(q.chat_id, [])
            if not topics and not pairs:
                continue
            kept.add(q.id)
            page.phrases.update(pairs)
            muted = mutes_of.get(q.chat_id, [])
            page.mutes.update(muted)
            page.dues.append(
                Due(
                    q.chat,
                    q.id,
                    tuple(topics),
                    tuple(key for key, _ in pairs),
                    q.due_at,
                    q.period,
                    q.up_to,
                    tuple(key for key, _ in muted),
                )
            )
        await self.queue.withdraw([q.id for q in queued if q.id not in kept])
        return page


def still_due(chat: Chat, row: Queued | Due, now: datetime) -> bool:
    """The chat still wants the digest its row was claimed for: active, not paused, and
    that period is still one of its times (it did not move its time, zone or quiet hours)."""
    if not chat.active or chat.paused or row.due_at is None or row.due_at < now - STALE_AFTER:
        return False
    try:
        slot = due_slot_at(row.due_at, zone(chat.timezone), chat.schedule)
    except BadTimezone:
        return False
    return slot is not None and slot[0] == row.period


def _replaced(
    held: list[HeldRow], chats: list[Chat], due_at: datetime, run_id: int
) -> tuple[list[int], set[int]]:
    """What claiming a slot due at `due_at` does to rows the chats already hold:
    (pending rows of earlier slots it covers, to withdraw; chats to leave out).

    A chat is left out when it holds a pending row of a later slot (that one covers this),
    or when this run already sent it the digest of a time it no longer has: a reader who
    moves their time mid-run gets the old digest or the new one, never both.
    """
    schedules = {chat.chat_id: chat.schedule for chat in chats}
    withdraw: list[int] = []
    skip: set[int] = set()
    for row in held:
        if row.status == DeliveryStatus.PENDING:
            if row.due_at is None or row.due_at < due_at:
                withdraw.append(row.id)
            else:
                skip.add(row.chat_id)
        elif (
            row.run_id == run_id
            and row.status in _LEFT
            and _slot_time(row.period) not in schedules[row.chat_id].times
        ):
            skip.add(row.chat_id)
    return withdraw, skip


def _slot_time(period: str) -> time | None:
    try:
        return time.fromisoformat(period.rsplit("T", 1)[1])
    except (IndexError, ValueError):
        return None
