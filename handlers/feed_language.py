"""/addfeed of a feed in another language: say which, and add it only on the admin's Add.

The trial fetch already ran; what it found waits in the chat's data under a random
token for CONFIRM_WITHIN, and the buttons carry only the token. A press with a token
this chat does not hold (forged, already answered, or from before a restart), or one
that comes too late, adds nothing.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.core.language import language_name
from bot.core.urls import host_of
from bot.delivery.sender import NO_PREVIEW
from bot.ingest.manage import Added
from handlers.admin import who
from handlers.callbacks import AddFeed, DropFeed, pack, parse
from handlers.common import answer_button, language_of

log = logging.getLogger(__name__)

CONFIRM_WITHIN = timedelta(minutes=10)
PENDING = "pending_feeds"  # chat_data key: token -> PendingFeed


@dataclass(frozen=True)
class PendingFeed:
    url: str
    title: str | None
    entries: int
    expires: datetime


async def ask(update: Update, context: MujazContext, added: Added) -> None:
    """Which language the feed's items are in, with Add and Cancel buttons."""
    check, message = added.check, update.effective_message
    assert check is not None and check.language is not None and message is not None
    services, language = context.services, language_of(update)
    now = services.clock()
    pending = _pending(context)
    for token in [t for t, p in pending.items() if p.expires <= now]:
        del pending[token]
    token = secrets.token_urlsafe(6)
    pending[token] = PendingFeed(check.url, check.title, check.entries, now + CONFIRM_WITHIN)
    found = check.language
    log.info("admin %s: /addfeed %s is in %s (%d of %d items): asking", who(update),
             check.url, found.language, found.count, found.total)  # fmt: skip
    renderer = services.renderer
    text = renderer.text(
        language,
        "admin.addfeed_language",
        name=language_name(found.language, language),
        count=found.count,
        total=found.total,
        url=check.url,
    )
    add, drop = (
        renderer.text(language, f"admin.addfeed_{kind}_button") for kind in ("add", "drop")
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(add, callback_data=pack(AddFeed(token))),
                InlineKeyboardButton(drop, callback_data=pack(DropFeed(token))),
            ]
        ]
    )
    await message.reply_html(
        text, reply_markup=keyboard, link_preview_options=NO_PREVIEW, do_quote=False
    )


async def on_button(update: Update, context: MujazContext) -> None:
    """Add saves the feed as the trial found it; Cancel forgets it. Admins only."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, language_of(update)
    button = parse(query.data)
    if query.from_user.id not in services.settings.admin_ids or not isinstance(
        button, AddFeed | DropFeed
    ):
        await answer_button(query)
        return
    pending = _pending(context).pop(button.token, None)
    if pending is None or pending.expires <= services.clock():
        await answer_button(query, services.renderer.text(language, "admin.addfeed_stale"))
        return
    await answer_button(query)
    if isinstance(button, DropFeed):
        log.info("admin %s: did not add %s", who(update), pending.url)
        text = services.renderer.text(language, "admin.addfeed_dropped", url=pending.url)
    else:
        text = await _add(update, context, pending)
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
        )
    except TelegramError as exc:
        log.info("/addfeed question not edited: %s", exc)


async def _add(update: Update, context: MujazContext, pending: PendingFeed) -> str:
    services, language = context.services, language_of(update)
    added = await services.feed_manager.add(pending.url, name=pending.title, check=False)
    feed = added.feed
    assert feed is not None  # a checked address: only "added" or "exists"
    title = feed.title or host_of(feed.url)
    if added.outcome != "added":
        return services.renderer.text(language, "admin.addfeed_exists", id=feed.id, title=title)
    log.info("admin %s: added feed %d %s", who(update), feed.id, feed.url)
    return services.renderer.text(
        language, "admin.addfeed_added", id=feed.id, title=title, url=feed.url, n=pending.entries
    )


def _pending(context: MujazContext) -> dict[str, PendingFeed]:
    data: dict[Any, Any] = context.chat_data if context.chat_data is not None else {}
    pending: dict[str, PendingFeed] = data.setdefault(PENDING, {})
    return pending
