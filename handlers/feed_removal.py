"""/removefeed <id>: ask first, with Delete and Keep buttons; the feed and its articles go only
on Delete. Admins only: a press by anyone else, or for a feed already gone, deletes nothing."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import MujazContext
from bot.core.urls import host_of
from handlers.admin import who
from handlers.callbacks import KeepFeed, RemoveFeed, pack, parse
from handlers.common import answer_button, language_of, reply

log = logging.getLogger(__name__)


async def remove_feed(update: Update, context: MujazContext) -> None:
    """/removefeed <id>: what would go (the feed, how many articles), and the question."""
    args = context.args or []
    if not args or not args[0].isdigit() or int(args[0]) < 1 or len(args[0]) > 18:
        await reply(update, context, "admin.removefeed_usage")
        return
    services, language = context.services, language_of(update)
    feed = await services.feeds.get(int(args[0]))
    message = update.effective_message
    if feed is None or message is None:
        await reply(update, context, "admin.removefeed_unknown", given=args[0])
        return
    articles = await services.articles.count_for_feed(feed.id)
    renderer = services.renderer
    text = renderer.text(
        language,
        "feed_removal.confirm",
        id=feed.id,
        title=feed.title or host_of(feed.url),
        url=feed.url,
        n=articles,
    )
    delete, keep = (
        renderer.text(language, f"feed_removal.{kind}_button") for kind in ("delete", "keep")
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(delete, callback_data=pack(RemoveFeed(feed.id))),
                InlineKeyboardButton(keep, callback_data=pack(KeepFeed(feed.id))),
            ]
        ]
    )
    await message.reply_html(text, reply_markup=keyboard, do_quote=False)


async def on_button(update: Update, context: MujazContext) -> None:
    """Delete removes the feed and its articles; Keep leaves it. Admins only."""
    query = update.callback_query
    assert query is not None
    services, language = context.services, language_of(update)
    button = parse(query.data)
    if query.from_user.id not in services.settings.admin_ids or not isinstance(
        button, RemoveFeed | KeepFeed
    ):
        await answer_button(query)
        return
    renderer = services.renderer
    if isinstance(button, KeepFeed):
        feed = await services.feeds.get(button.feed_id)
        await answer_button(query)
        title = (feed.title or host_of(feed.url)) if feed else ""
        text = renderer.text(language, "feed_removal.kept", id=button.feed_id, title=title)
    else:
        removed = await services.feed_manager.remove(button.feed_id)
        if removed is None:
            await answer_button(query, renderer.text(language, "feed_removal.gone"))
            return
        feed, articles = removed
        log.info("admin %s: removed feed %d %s (%d articles)", who(update), feed.id, feed.url,
                 articles)  # fmt: skip
        await answer_button(query)
        title = feed.title or host_of(feed.url)
        text = renderer.text(language, "admin.removefeed_done", id=feed.id, title=title, n=articles)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.info("/removefeed question not edited: %s", exc)
