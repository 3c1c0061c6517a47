"""What the admin sees of a running broadcast: one message, edited every few seconds.

Edits are requests too, so they are spaced (`every` seconds, and only when a count
changed: Telegram refuses an edit that changes nothing). The final report is a
new message, so the admin's chat shows that the broadcast ended.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.core.render import Renderer
from bot.delivery.lanes import OutboxStopped
from bot.models import DeliveryStatus
from storage.broadcasts import Broadcast

log = logging.getLogger(__name__)


class StatusBoard:
    def __init__(
        self,
        bot: Bot,
        renderer: Renderer,
        broadcast: Broadcast,
        *,
        total: int,
        tallies: Counter[str],
        every: float,
    ) -> None:
        self.bot = bot
        self.renderer = renderer
        self.broadcast = broadcast
        self.total = total
        self.tallies = tallies
        self.every = every
        self.edits = 0
        self._shown: tuple[int, ...] | None = None

    def params(self, counts: Counter[str] | dict[str, int]) -> dict[str, Any]:
        """Each final recipient status by name, and how many recipients are still left."""
        closed = {status.value: counts.get(status, 0) for status in DeliveryStatus if status.closed}
        return {
            "id": self.broadcast.id,
            "total": self.total,
            **closed,
            "left": max(0, self.total - sum(closed.values())),
        }

    async def run(self) -> None:
        """Edit the status message while the broadcast runs (cancel to stop)."""
        while True:
            await asyncio.sleep(self.every)
            await self.show("broadcast.status", self.params(self.tallies))

    async def show(self, key: str, params: dict[str, Any]) -> None:
        snapshot = (hash(key), *params.values())
        if snapshot == self._shown or self.broadcast.status_message_id is None:
            return
        text = self.renderer.text(self.broadcast.language, key, **params)
        try:
            await self.bot.edit_message_text(
                text,
                chat_id=self.broadcast.admin_chat_id,
                message_id=self.broadcast.status_message_id,
                parse_mode=ParseMode.HTML,
            )
        except (TelegramError, OutboxStopped) as exc:
            log.info("broadcast #%d: status not updated: %s", self.broadcast.id, exc)
            return
        self._shown = snapshot
        self.edits += 1

    async def final(self, counts: dict[str, int], *, cancelled: bool, seconds: float) -> bool:
        """The last edit, then the report as a message of its own; False if shutting down."""
        params = self.params(counts)
        await self.show(
            "broadcast.status_cancelled" if cancelled else "broadcast.status_done", params
        )
        attempted = params["total"] - params["left"] - params[DeliveryStatus.SKIPPED]
        rate = round(attempted / seconds, 1) if seconds > 0 else 0
        text = self.renderer.text(
            self.broadcast.language,
            "broadcast.report",
            cancelled=cancelled,
            seconds=round(seconds),
            rate=rate,
            **params,
        )
        try:
            await self.bot.send_message(
                self.broadcast.admin_chat_id, text, parse_mode=ParseMode.HTML
            )
        except OutboxStopped:
            return False  # the report goes out when the bot is back
        except TelegramError as exc:
            log.warning("broadcast #%d: report not sent: %s", self.broadcast.id, exc)
        return True
