"""Admin commands for the feed list: /feeds and /addfeed <url> (/removefeed: feed_removal.py)."""

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
from handlers.feed_status import status_sentence

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
        failing = bool(feed.error_count)
        problem = status_sentence(renderer, language, feed.last_status or "") if failing else ""
        error = (feed.last_error or "") if failing else ""
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
                problem=problem,
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
        problem = status_sentence(context.services.renderer, language_of(update), added.outcome)
        await reply(
            update,
            context,
            "admin.addfeed_failed",
            problem=problem,
            status=added.outcome,
            error=error,
        )
