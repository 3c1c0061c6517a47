"""Delivering one composed digest: send it, then close its ledger row by how that ended."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Bot

from bot.core.compose import Composed, StoryLink, is_public, no_link
from bot.core.render import Renderer
from bot.delivery.digest_ledger import (
    NOTHING_NEW,
    STOPPED,
    DigestOutcome,
    Ending,
    PeriodRow,
    Withdrawn,
)
from bot.delivery.lanes import OutboxStopped
from bot.delivery.sender import MoveChat, Outcome, send_html
from bot.models import Chat
from storage.chats import ChatRepository
from storage.deliveries import DeliveryRepository


class DigestSender:
    def __init__(
        self,
        chats: ChatRepository,
        deliveries: DeliveryRepository,
        renderer: Renderer,
        *,
        move_chat: MoveChat | None = None,
    ) -> None:
        self.chats = chats
        self.deliveries = deliveries
        self.renderer = renderer
        self.move_chat = move_chat

    async def deliver(
        self,
        bot: Bot,
        chat: Chat,
        delivery_id: int,
        composed: Composed,
        *,
        advance: bool = True,
        note_empty: bool = False,
        silent: bool = False,
        leave: Callable[[], Awaitable[None]] | None = None,
        paid: bool = False,
    ) -> Outcome | None:
        """Send the digest and close its row; None when there was nothing new to send, or
        when `leave` (run as the first message leaves) raised Withdrawn: nothing was sent.

        `advance` moves the chat's "newer than" mark; `note_empty` tells a chat that asked
        for it (/nothingnew on) that there was nothing new; `silent` sends without a
        notification (a scheduled digest of a chat that chose /silent on); `paid` sends with
        allow_paid_broadcast. The first message shows the composed digest's `preview_url`
        large (/preview on).
        """
        row = PeriodRow(
            self.deliveries,
            self.chats,
            delivery_id,
            chat.chat_id,
            composed,
            advance,
            leave=leave,
            paid=paid,
        )
        if not composed.messages:
            await row.close(NOTHING_NEW)
            if note_empty and chat.notify_empty:
                key = "digest_empty_public" if is_public(chat) else "digest_empty"
                text = self.renderer.text(chat.language, key, digit_style=chat.digits)
                await send_html(
                    bot,
                    chat.chat_id,
                    [text],
                    thread_id=chat.thread_id,
                    move_chat=self.move_chat,
                    silent=silent,
                )
            return None
        try:
            # The row becomes `sending` as the first message leaves, not while it waits in
            # the outbox: after a hard kill, only digests that had left are uncertain.
            outcome = await send_html(
                bot,
                chat.chat_id,
                composed.messages,
                thread_id=chat.thread_id,
                move_chat=self.move_chat,
                on_dispatch=row.sending,
                silent=silent,
                preview_url=composed.preview_url,
                paid=paid,
            )
        except Withdrawn:
            return None
        except OutboxStopped:
            await row.close(STOPPED)
            raise
        await row.close(DigestOutcome(Ending(outcome.status), outcome.messages, outcome.error))
        return outcome

    async def fail(self, chat: Chat, delivery_id: int, error: str) -> None:
        """Close the row of a digest that could not be made; nothing was sent."""
        nothing = Composed([], (chat.last_article_id or 0, chat.last_article_id or 0))
        row = PeriodRow(self.deliveries, self.chats, delivery_id, chat.chat_id, nothing, False)
        await row.close(DigestOutcome(Ending.FAILED, 0, error))


def story_links(bot: Bot) -> StoryLink:
    """ "and 3 other sources" opens the bot on a list of every outlet's article, under the
    headline the reader saw: `s<story>_<lead article>` (see handlers.user.story_sources)."""
    try:
        username = bot.username
    except RuntimeError:  # the bot was not initialized (previews)
        return no_link
    return lambda story: f"https://t.me/{username}?start=s{story.id}_{story.lead.id}"
