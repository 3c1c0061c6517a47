"""Admin commands for the feed list: /feeds, /addfeed <url>, /removefeed <id>."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import Update

from bot.context import MujazContext
from bot.core.telegram_text import pack
from bot.core.urls import host_of, is_web_url
from bot.delivery.sender import NO_PREVIEW
from bot.ingest.manage import OTHER_LANGUAGE
from handlers import feed_language
from handlers.admin import who
from handlers.common import language_of, reply

log = logging.getLogger(__name__)
ERROR_CHARS = 200


async def feeds(update: Update, context: MujazContext) -> None:
    """/feeds: each feed's last success, last error and articles of the last 24 hours."""
    log.info("admin %s: /feeds", who(update))
    services = context.services
    now = services.clock()
    health = await services.feeds.health(now - timedelta(hours=24))
    if not health:
        await reply(update, context, "admin.feeds_empty")
        return
    language, renderer = language_of(update), services.renderer
    never = renderer.text(language, "admin.feeds_never")
    blocks = [
        renderer.text(
            language,
            "admin.feeds_header",
            feeds=len(health),
            failed=sum(1 for h in health if h.feed.error_count),
        )
    ]
    for h in health:
        feed = h.feed
        success = (
            renderer.ago(language, feed.last_success_at, now) if feed.last_success_at else never
        )
        error = f"{feed.last_status}: {feed.last_error}" if feed.last_error else ""
        blocks.append(
            renderer.text(
                language,
                "admin.feeds_item",
                id=feed.id,
                title=feed.title or host_of(feed.url),
                enabled=feed.enabled,
                url=feed.url,
                success=success,
                n=h.articles_recent,
                error=error[:ERROR_CHARS],
            )
        )
    message = update.effective_message
    if message is not None:
        for text in pack(blocks):
            await message.reply_html(text, link_preview_options=NO_PREVIEW, do_quote=False)


async def add_feed(update: Update, context: MujazContext) -> None:
    """/addfeed <url>: fetch the address once and save it only if it is a working feed;
    one mostly in another language than Arabic is saved only once the admin confirms."""
    args = context.args or []
    if not args:
        await reply(update, context, "admin.addfeed_usage")
        return
    url = args[0].strip()
    log.info("admin %s: /addfeed %s", who(update), url)
    if not is_web_url(url):
        await reply(update, context, "admin.addfeed_bad_url", given=url)
        return
    await reply(update, context, "admin.addfeed_checking")
    added = await context.services.feed_manager.add(url, confirm_language=True)
    feed = added.feed
    if added.outcome == OTHER_LANGUAGE:
        await feed_language.ask(update, context, added)
    elif added.outcome == "added" and feed is not None:
        log.info("admin %s: added feed %d %s", who(update), feed.id, feed.url)
        entries = added.check.entries if added.check else 0
        title = feed.title or host_of(feed.url)
        await reply(
            update, context, "admin.addfeed_added", id=feed.id, title=title, url=feed.url, n=entries
        )
    elif feed is not None:
        title = feed.title or host_of(feed.url)
        await reply(update, context, "admin.addfeed_exists", id=feed.id, title=title)
    else:
        error = (added.error or "")[:ERROR_CHARS]
        await reply(update, context, "admin.addfeed_failed", status=added.outcome, error=error)


async def remove_feed(update: Update, context: MujazContext) -> None:
    """/removefeed <id>: delete a feed and its articles."""
    args = context.args or []
    if not args or not args[0].isdigit():
        await reply(update, context, "admin.removefeed_usage")
        return
    removed = await context.services.feed_manager.remove(int(args[0]))
    if removed is None:
        await reply(update, context, "admin.removefeed_unknown", given=args[0])
        return
    feed, articles = removed
    log.info("admin %s: removed feed %d %s (%d articles)", who(update), feed.id, feed.url, articles)
    title = feed.title or host_of(feed.url)
    await reply(update, context, "admin.removefeed_done", id=feed.id, title=title, n=articles)
