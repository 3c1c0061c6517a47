"""Alerts to the operator's chat (ALERT_CHAT_ID, else the first admin).

They go through the outbox's reply lane, so a digest run or a 429 pause never holds
them, and through a gate (bot/core/alert_gate.py): the same trouble once an hour at
most, a few alerts per ten minutes, and the next alert says how many were held back.
Texts are templates (`alert.*`), in the language the alert chat chose.

What raises one:

- `error`: an unhandled exception; its traceback comes as a .txt document (redacted);
- `feeds_checked`: a feed crossing ALERT_FEED_FAILURES failures in a row, or disabled;
- `outbox_held`: bulk sending held by 429s for over ten minutes;
- `uncertain_at_start`: deliveries that were in flight at the last stop;
- `backup_failed`: for the backup job (see `alerts_of`)::

      from bot.ops.alerts import alerts_of
      alerts = alerts_of(context.application)
      if alerts is not None:
          alerts.backup_failed("disk full", destination="/backups")

Every method returns at once: sending happens in a task, and a failure to send is
only logged (an alert about alerts would loop).
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from telegram import Bot, InputFile
from telegram.constants import ParseMode
from telegram.ext import Application

from bot.core.alert_gate import AlertGate
from bot.core.render import Renderer
from bot.core.secrets import redact
from bot.delivery.lanes import Lane, Ticket
from bot.delivery.sender import NO_PREVIEW, deliver
from bot.models import FeedStatus
from storage.chats import ChatRepository
from storage.feeds import FeedRepository

log = logging.getLogger(__name__)

MAX_TRACEBACK_BYTES = 200_000
_CLIP = 300  # characters of an error text an alert quotes


class _Report(Protocol):
    @property
    def url(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def error(self) -> str | None: ...
    @property
    def failed(self) -> bool: ...


class Alerts:
    def __init__(
        self,
        bot: Bot,
        chat_id: int | None,
        renderer: Renderer,
        chats: ChatRepository,
        *,
        feed_failures: int = 5,
        gate: AlertGate | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.renderer = renderer
        self.chats = chats
        self.feed_failures = feed_failures
        self.gate = gate or AlertGate()
        self.clock = clock
        self._tasks: set[asyncio.Task[None]] = set()

    # ---- what raises an alert -------------------------------------------------------------

    def error(self, exc: BaseException, where: str = "") -> None:
        frames = traceback.extract_tb(exc.__traceback__)
        place = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
        text = "".join(traceback.format_exception(exc))
        document = redact(text).encode("utf-8")[-MAX_TRACEBACK_BYTES:]
        self._raise(
            f"error:{type(exc).__name__}:{place}",
            "error",
            kind=type(exc).__name__,
            message=_clip(redact(str(exc))),
            where=where or place,
            document=document,
        )

    async def feeds_checked(self, reports: Sequence[_Report], feeds: FeedRepository) -> None:
        """After an ingestion pass: feeds that just crossed the failure count or were disabled."""
        for report in reports:
            if not report.failed:
                continue
            feed = await feeds.by_url(report.url)
            if feed is None:
                continue
            params: dict[str, Any] = {
                "name": feed.title or feed.url,
                "url": feed.url,
                "status": report.status,
                "error": _clip(redact(report.error or report.status)),
                "count": feed.error_count,
            }
            if not feed.enabled and report.status == FeedStatus.GONE:
                self._raise(f"feed-disabled:{feed.id}", "feed_disabled", **params)
            elif feed.error_count == self.feed_failures:
                self._raise(f"feed-failing:{feed.id}", "feed_failing", **params)

    def outbox_held(self, seconds: float) -> None:
        self._raise("outbox-held", "outbox_held", minutes=int(seconds // 60))

    def uncertain_at_start(self, digests: int, broadcasts: int) -> None:
        if digests or broadcasts:
            self._raise("uncertain", "uncertain", digests=digests, broadcasts=broadcasts)

    def backup_failed(self, reason: str, *, destination: str | None = None) -> None:
        """The backup job failed: `reason` in a line, `destination` where it was writing."""
        self._raise(
            "backup-failed", "backup_failed", reason=_clip(redact(reason)), destination=destination
        )

    # ---- sending -------------------------------------------------------------------------------

    async def close(self, timeout: float = 5.0) -> None:
        """Let alerts already on their way leave (a bot stopping on an error reports it)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)

    def _raise(
        self, key: str, template: str, *, document: bytes | None = None, **params: Any
    ) -> None:
        if not self.gate.admit(key, self.clock()):
            log.info("alert %s held back (sent lately, or too many alerts)", key)
            return
        if self.chat_id is None:
            log.warning("alert %s not sent: no ALERT_CHAT_ID and no ADMIN_IDS", key)
            return
        held_back = self.gate.take_held_back()
        task = asyncio.get_running_loop().create_task(
            self._send(self.chat_id, template, params, document, held_back), name=f"alert {key}"
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(
        self,
        chat_id: int,
        template: str,
        params: dict[str, Any],
        document: bytes | None,
        held_back: int,
    ) -> None:
        try:
            chat = await self.chats.get(chat_id)
            language = chat.language if chat is not None else "ar"
            digits = chat.digits if chat is not None else None
            text = self.renderer.text(language, f"alert.{template}", digit_style=digits, **params)
            if held_back:
                note = self.renderer.text(
                    language, "alert.held_back", digit_style=digits, n=held_back
                )
                text = f"{text}\n{note}"

            async def send(chat: int, extra: dict[str, Any]) -> object:
                if document is not None:
                    return await self.bot.send_document(
                        chat,
                        InputFile(document, filename="traceback.txt"),
                        caption=text,
                        parse_mode=ParseMode.HTML,
                        **extra,
                    )
                return await self.bot.send_message(
                    chat, text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW, **extra
                )

            outcome = await deliver(self.bot, chat_id, send, Ticket(Lane.REPLY))
            if outcome.error:
                log.error("alert %s to %s not delivered: %s", template, chat_id, outcome.error)
        except Exception:
            log.exception("alert %s to %s not sent", template, chat_id)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _CLIP else text[: _CLIP - 1] + "…"


def alerts_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Alerts | None:
    """The running bot's alerts; None before post_init or in a bot built without them."""
    ops = getattr(app.bot_data, "ops", None)
    return getattr(ops, "alerts", None)
