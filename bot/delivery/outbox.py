"""The outbox: the one gate every request to Telegram passes, paced to Telegram's limits.

It is the bot's rate limiter (python-telegram-bot's `BaseRateLimiter`), so replies,
digests, broadcast copies, edits and photos all come through it; only getUpdates
does not. Each request belongs to a lane:

- REPLY: an answer to someone's own command or button. The default. Served first,
  never paused by bulk sending's 429s. It keeps its chat's pace with a short burst
  (REPLY_BURST beyond it, as Telegram tolerates), so the first replies of a
  conversation never wait and only a flooded chat is slowed. It counts in the
  chat's window, so a bulk send to that chat waits its turn after it.
- DIGEST, then BROADCAST: bulk. Evenly spaced at the overall limit, all of it: no
  slot is kept idle for replies, which take the next slot that frees, ahead of any
  bulk request (a wait of a few sends' spacing, ~0.1 s at 30/s); each chat at most
  its own limit; after a 429 the bulk lanes pause for `retry_after`, then go on
  slower and speed up again over 10 s.

A request counts against its limits from the moment it leaves (pacing.py says why),
not from when it was let go: a ticket's `on_dispatch` may take a while (a ledger
commit), and what Telegram counts is when the request arrives.

A request's lane comes from its `Ticket` (`rate_limit_args`), or from `sending_as`
around the code that sends (a digest tick), or is REPLY. A ticket's `on_dispatch`
runs once, right before the request first leaves, after all waiting: the broadcast
ledger marks a recipient "sending" there, so after a hard kill only requests that
had really left are uncertain.

A 429 is never dropped: the request waits `retry_after` and goes again, up to a
bound, after which its caller records a failure. A reply's 429 holds only that
reply. AIORateLimiter instead pauses every request of the bot on one 429 and
retries nothing by default.

All its time comes from a `Clock`: the event loop's by default, so a loop whose
time is virtual (tests) paces on virtual time.

What a request carries (lanes.py) and how limits are counted (pacing.py) live apart;
what stays here, a little over 400 lines, is one job that does not split further: the
queue of waiting requests and the decision, for each, of when it may leave.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import warnings
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.lanes import (
    Clock,
    Lane,
    LoopClock,
    OutboxStopped,
    Ticket,
    current_lane,
)
from bot.delivery.pacing import (
    ChatPace,
    Limits,
    Pace,
    RoundTrips,
    Stalls,
    Window,
)

log = logging.getLogger(__name__)

JSON = bool | dict[str, Any] | list[dict[str, Any]]


_MESSAGE_ENDPOINTS = ("send", "copy", "forward")  # what counts against a chat's own limit
RECOVERY_SECONDS = 10.0  # after a 429, bulk spacing returns to normal over this long
STALL_PROBE = 0.005  # seconds: how often the event loop's lateness is sampled while sending


@dataclass
class OutboxStats:
    requests: dict[Lane, int] = field(default_factory=lambda: dict.fromkeys(Lane, 0))
    throttled: int = 0  # 429 answers
    most_waiting: int = 0
    # What bot/ops reads for /metrics, /healthz and alerts:
    outcomes: dict[tuple[Lane, str], int] = field(default_factory=dict)  # (lane, SendStatus)
    paused_seconds: float = 0.0  # bulk sending paused by 429s, all pauses added up
    held_since: float | None = None  # the first 429 of a run no bulk send has ended yet


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _Waiter:
    __slots__ = ("chat", "future", "lane", "message", "paid", "seq")

    def __init__(
        self, lane: Lane, chat: int | str | None, message: bool, paid: bool, seq: int
    ) -> None:
        self.lane, self.chat, self.message, self.paid, self.seq = lane, chat, message, paid, seq
        self.future: asyncio.Future[tuple[Window, ...]] = asyncio.get_running_loop().create_future()

    def __lt__(self, other: _Waiter) -> bool:
        return self.seq < other.seq


class Outbox(BaseRateLimiter[Ticket]):
    """Paces every request; see the module docstring for the rules."""

    def __init__(self, limits: Limits | None = None, *, clock: Clock | None = None) -> None:
        self.limits = limits or Limits()
        self.clock: Clock = clock or LoopClock()
        self.stats = OutboxStats()
        self._overall = Pace(self.limits.overall)
        self._paid = Pace(self.limits.paid)
        self.round_trips = RoundTrips()
        self.stalls = Stalls()  # the event loop's lateness while requests are on their way
        self._watcher: asyncio.Task[None] | None = None
        self._chats: dict[int | str, ChatPace] = {}
        self._queues: dict[Lane, list[_Waiter]] = {lane: [] for lane in Lane}
        self._delayed: list[tuple[float, _Waiter]] = []  # waiting for their chat's pace
        self._parked: dict[int | str, list[_Waiter]] = {}  # waiting for their chat's answer
        self._waiting = 0
        self._seq = 0
        self._paused_until = 0.0
        self._slowdown_peak = 1.0
        self._in_flight = 0
        self._stopping = False
        self._wake: asyncio.Event | None = None
        self._dispatcher: asyncio.Task[None] | None = None

    # ---- BaseRateLimiter ------------------------------------------------------------------

    async def initialize(self) -> None:
        self._stopping = False

    async def shutdown(self) -> None:
        """Refuse what still waits (it never left), let what is in flight finish."""
        self._stopping = True
        for waiter in self._all_waiters():
            if not waiter.future.done():
                waiter.future.set_exception(OutboxStopped())
        self._queues = {lane: [] for lane in Lane}
        self._delayed, self._parked, self._waiting = [], {}, 0
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None
        deadline = self.clock.now() + 5.0
        while self._in_flight and self.clock.now() < deadline:
            await self.clock.sleep(0.01)
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Ticket | None,
    ) -> JSON:
        ticket = rate_limit_args or Ticket(current_lane())
        chat = _chat_key(data.get("chat_id"))
        message = endpoint.startswith(_MESSAGE_ENDPOINTS) and endpoint != "sendChatAction"
        paid = ticket.paid or bool(data.get("allow_paid_broadcast"))
        throttled = 0
        self._seq += 1
        seq = self._seq  # a retried request keeps its place in its lane
        while True:
            taken = await self._admit(ticket.lane, chat, message, paid, seq)
            self._in_flight += 1
            left_at: float | None = None  # None: it never left, and counts for nothing
            try:
                if not ticket.dispatched:
                    ticket.dispatched = True
                    if ticket.on_dispatch is not None:
                        await ticket.on_dispatch()
                self.stats.requests[ticket.lane] += 1
                left_at = self.clock.now()
                if taken and (self._watcher is None or self._watcher.done()):
                    self._watcher = asyncio.get_running_loop().create_task(
                        self._watch_stalls(), name="outbox-stall-watch"
                    )
                result = await callback(*args, **kwargs)
                if ticket.lane != Lane.REPLY:
                    self.stats.held_since = None  # bulk got through: no longer held
                return result
            except RetryAfter as exc:
                throttled += 1
                seconds = retry_after_seconds(exc)
                self._throttled(seconds, ticket.lane, endpoint)
                reply = ticket.lane == Lane.REPLY
                if throttled > (self.limits.reply_retries if reply else self.limits.bulk_retries):
                    log.error("%s to %s: still 429 after %d tries", endpoint, chat, throttled)
                    raise
            finally:
                self._in_flight -= 1
                late = 0.0
                if left_at is not None:
                    late = max(
                        self.round_trips.observe(self.clock.now() - left_at),
                        self.stalls.since(left_at),
                    )
                self._release(taken, chat, left_at, late)
            if ticket.lane == Lane.REPLY:
                await self.clock.sleep(seconds)  # bulk waits in _admit, behind the pause

    # ---- admission ----------------------------------------------------------------------------

    async def _admit(
        self, lane: Lane, chat: int | str | None, message: bool, paid: bool, seq: int
    ) -> tuple[Window, ...]:
        if self._stopping:
            raise OutboxStopped()
        if chat is None:  # no chat, no limit (AIORateLimiter counts the same way)
            return ()
        now = self.clock.now()
        waiter = _Waiter(lane, chat, message, paid, seq)
        if self._waiting == 0 and self._grantable(waiter, now) is True:
            return self._grant(waiter, now)
        heapq.heappush(self._queues[lane], waiter)
        self._waiting += 1
        self.stats.most_waiting = max(self.stats.most_waiting, self._waiting)
        self._kick()
        try:
            return await waiter.future
        except asyncio.CancelledError:
            future = waiter.future
            if future.done() and not future.cancelled() and future.exception() is None:
                self._release(future.result(), chat, None, 0.0)  # granted as we were cancelled
            raise

    def _grantable(self, waiter: _Waiter, now: float) -> bool | float | None:
        """True, or the time it may become true, or None when it waits on an answer."""
        overall = self._overall_wait(waiter, now)
        if overall is not True:
            return overall
        pace = self._chat_pace(waiter)
        if pace is None:
            return True
        if waiter.lane == Lane.REPLY:  # a short burst is fine, a flood is not
            ready = pace.replies.ready_at()
            return True if ready <= now else ready
        return True if pace.window.free(now) > 0 else pace.window.next_free(now)

    def _overall_wait(self, waiter: _Waiter, now: float) -> bool | float | None:
        """The overall limit, the pause after a 429 and the spacing; not the chat's pace."""
        reply = waiter.lane == Lane.REPLY
        if not reply and now < self._paused_until:
            return self._paused_until
        pace = self._paid if waiter.paid else self._overall
        if pace.window is None:
            return True
        if pace.window.free(now) <= 0:
            return pace.window.next_free(now)
        if reply:
            return True
        if pace.spacer is not None and now < pace.spacer.ready_at():
            return pace.spacer.ready_at()
        return True

    def _grant(self, waiter: _Waiter, now: float) -> tuple[Window, ...]:
        pace = self._paid if waiter.paid else self._overall
        taken: list[Window] = []
        if pace.window is not None:
            pace.window.take()
            taken.append(pace.window)
            if waiter.lane != Lane.REPLY and pace.spacer is not None:
                pace.spacer.take(now, slowdown=self._slowdown(now))
        chat = self._chat_pace(waiter)
        if chat is not None:
            chat.window.take()
            chat.replies.take(now)
            taken.append(chat.window)
        return tuple(taken)

    def _release(
        self, taken: tuple[Window, ...], chat: int | str | None, left_at: float | None, late: float
    ) -> None:
        if not taken:
            return
        now = self.clock.now()
        for window in taken:
            window.release(now, left_at, late)
        if chat is not None and chat in self._parked:
            for waiter in self._parked.pop(chat):
                heapq.heappush(self._queues[waiter.lane], waiter)
        if self._waiting:
            self._kick()

    def _chat_pace(self, waiter: _Waiter) -> ChatPace | None:
        if waiter.chat is None or not waiter.message:
            return None
        pace = self._chats.get(waiter.chat)
        if pace is None:
            group = isinstance(waiter.chat, str) or waiter.chat < 0
            limit = self.limits.group_chat if group else self.limits.private_chat
            if limit is None:
                return None
            if len(self._chats) > 4096:
                self._forget_idle_chats()
            pace = self._chats[waiter.chat] = ChatPace(limit)
        return pace

    def _forget_idle_chats(self) -> None:
        now = self.clock.now()
        for key in [k for k, p in self._chats.items() if p.idle(now)]:
            del self._chats[key]

    # ---- 429 ------------------------------------------------------------------------------------

    def _throttled(self, seconds: float, lane: Lane, endpoint: str) -> None:
        """Telegram said too many: pause bulk sending for `seconds`, then go on slower.

        A reply's 429 is about its own chat (replies are far too few to flood Telegram,
        and when bulk does, bulk requests get 429s too): only that reply waits.
        """
        self.stats.throttled += 1
        if lane == Lane.REPLY:
            log.info("429 on a reply (%s): it goes again in %.1fs", endpoint, seconds)
            return
        now = self.clock.now()
        self.stats.paused_seconds += max(0.0, now + seconds - max(self._paused_until, now))
        if self.stats.held_since is None:
            self.stats.held_since = now
        self._paused_until = max(self._paused_until, now + seconds)
        self._slowdown_peak = min(2.0, self._slowdown(now) * 1.25)
        log.warning(
            "429 on %s (%s lane): bulk sending paused %.1fs, then %.0f%% of the pace",
            endpoint,
            lane.name.lower(),
            seconds,
            100 / self._slowdown_peak,
        )
        self._kick()

    def _slowdown(self, now: float) -> float:
        """Spacing factor after a 429: its peak at the end of the pause, back to 1 in 10 s."""
        if self._slowdown_peak <= 1.0:
            return 1.0
        calm = max(0.0, now - self._paused_until)
        factor = 1.0 + (self._slowdown_peak - 1.0) * max(0.0, 1.0 - calm / RECOVERY_SECONDS)
        if factor <= 1.0:
            self._slowdown_peak = 1.0
        return factor

    # ---- the dispatcher ------------------------------------------------------------------------

    def _kick(self) -> None:
        if self._dispatcher is None or self._dispatcher.done():
            self._wake = asyncio.Event()
            self._dispatcher = asyncio.get_running_loop().create_task(
                self._dispatch_forever(), name="outbox-dispatcher"
            )
        assert self._wake is not None
        self._wake.set()

    async def _dispatch_forever(self) -> None:
        assert self._wake is not None
        clock = self.clock
        while True:
            self._wake.clear()
            wake_at = self._dispatch(clock.now())
            if wake_at is None:
                await self._wake.wait()
                continue
            # A hair late rather than early, so the loop does not spin on its own timer.
            await clock.wait(self._wake, max(0.0, wake_at - clock.now()) + 0.0002)

    async def _watch_stalls(self) -> None:
        """While requests are on their way, note how late the event loop runs a short timer:
        a stall holds up whatever was on its way (Stalls)."""
        clock = self.clock
        while self._in_flight:
            asked = clock.now()
            await clock.sleep(STALL_PROBE)
            self.stalls.observe(clock.now(), clock.now() - asked - STALL_PROBE)

    def _dispatch(self, now: float) -> float | None:
        """Grant what may go now, replies first; return when to look again (None: on an event)."""
        wake_at: float | None = None

        def later(at: float | None) -> None:
            nonlocal wake_at
            if at is not None:
                wake_at = at if wake_at is None else min(wake_at, at)

        while self._delayed and self._delayed[0][0] <= now:
            _, waiter = heapq.heappop(self._delayed)
            heapq.heappush(self._queues[waiter.lane], waiter)
        if self._delayed:
            later(self._delayed[0][0])

        for lane in Lane:  # REPLY, DIGEST, BROADCAST: a lane waits for the ones before it
            queue = self._queues[lane]
            while queue:
                waiter = queue[0]
                if waiter.future.done():  # cancelled while waiting
                    heapq.heappop(queue)
                    self._waiting -= 1
                    continue
                ready = self._grantable(waiter, now)
                if ready is True:
                    heapq.heappop(queue)
                    self._waiting -= 1
                    waiter.future.set_result(self._grant(waiter, now))
                    continue
                if self._overall_wait(waiter, now) is True:
                    # Only its chat is busy: set it aside so the chats behind it can go.
                    heapq.heappop(queue)
                    if ready is None:
                        assert waiter.chat is not None
                        self._parked.setdefault(waiter.chat, []).append(waiter)
                    else:
                        heapq.heappush(self._delayed, (ready, waiter))
                        later(ready)
                    continue
                later(ready)
                return wake_at
        return wake_at

    # ---- what operations read (bot/ops) --------------------------------------------------------

    def waiting_by_lane(self) -> dict[Lane, int]:
        """Requests waiting to leave, per lane."""
        counts = dict.fromkeys(Lane, 0)
        for waiter in self._all_waiters():
            if not waiter.future.done():
                counts[waiter.lane] += 1
        return counts

    def held_for(self) -> float:
        """Seconds bulk sending has been held by 429s: since the first 429 of a run that no
        bulk send has ended, while bulk is paused or waits; 0 when it is not held."""
        since = self.stats.held_since
        if since is None:
            return 0.0
        now = self.clock.now()
        bulk_waiting = bool(self._queues[Lane.DIGEST] or self._queues[Lane.BROADCAST])
        if now >= self._paused_until and not bulk_waiting and not self._delayed:
            self.stats.held_since = None  # the pause is over and nothing waits on it
            return 0.0
        return now - since

    def _all_waiters(self) -> Iterator[_Waiter]:
        for queue in self._queues.values():
            yield from queue
        for _, waiter in self._delayed:
            yield waiter
        for parked in self._parked.values():
            yield from parked


def _chat_key(value: object) -> int | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return str(value)  # @channelusername


def outbox_of(bot: object) -> Outbox | None:
    """The bot's outbox, when it has one (a bare Bot in a script has none)."""
    limiter = getattr(bot, "rate_limiter", None)
    return limiter if isinstance(limiter, Outbox) else None
