"""/search <words> and inline mode (@bot words in any chat): find a story of the last 30 days."""

from __future__ import annotations

import html
from typing import Any

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from bot.context import MujazContext
from bot.core.render import default_digits
from bot.core.search import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    SEARCH_DAYS,
    Hit,
    QueryProblem,
    parse_query,
)
from bot.models import Digits
from handlers.common import language_of, reply

RESULTS = 8  # in a reply: eight headlines of 300 characters stay under Telegram's 4096
INLINE_RESULTS = 20  # Telegram allows 50; the first screen shows far fewer
INLINE_CACHE_SECONDS = 60  # the same words typed again within a minute cost no query
START_FROM_INLINE = "search"  # t.me/<bot>?start=search, from the inline results' button


async def search(update: Update, context: MujazContext) -> None:
    """Find stories by their words: headline (linked), outlet and age of each."""
    given = " ".join(context.args or [])
    query = parse_query(given)
    limits = {"days": SEARCH_DAYS, "words": MAX_QUERY_WORDS, "chars": MAX_QUERY_CHARS}
    if isinstance(query, QueryProblem):
        await reply(
            update, context, f"search.{query.value}", given=given, bot=_username(context), **limits
        )
        return
    hits = await context.services.search.find(query, limit=RESULTS)
    if not hits:
        await reply(update, context, "search.none", given=given, **limits)
        return
    chat = update.effective_chat
    language = language_of(update)
    digits = await _digits(context, chat.id if chat else None, language)
    items = _views(context, language, hits, digits)
    # Headlines are at most 300 characters, but emoji count twice in Telegram's 4096:
    # fewer results rather than a refused reply.
    while len(items) > 1 and not _fits(context, language, digits, given, items, limits):
        items.pop()
    await reply(update, context, "search.results", given=given, items=items, **limits)


def _fits(
    context: MujazContext,
    language: str,
    digits: Digits,
    given: str,
    items: list[dict[str, Any]],
    limits: dict[str, int],
) -> bool:
    try:
        context.services.renderer.text(
            language, "search.results", digit_style=digits, given=given, items=items, **limits
        )
    except ValueError:  # over Telegram's length
        return False
    return True


async def inline(update: Update, context: MujazContext) -> None:
    """@bot words in any chat: the matching stories, each shared as its headline and outlet."""
    inline_query = update.inline_query
    if inline_query is None:
        return
    language = language_of(update)
    renderer = context.services.renderer
    query = parse_query(inline_query.query)
    hits = []
    if not isinstance(query, QueryProblem):
        hits = await context.services.search.find(query, limit=INLINE_RESULTS)
    digits = await _digits(context, inline_query.from_user.id, language)
    results = [
        InlineQueryResultArticle(
            id=f"a{view['id']}",
            title=view["title"],
            description=html.unescape(
                renderer.text(language, "search.inline_description", digit_style=digits, **view)
            ),
            input_message_content=InputTextMessageContent(
                renderer.text(language, "search.share", digit_style=digits, **view),
                parse_mode=ParseMode.HTML,
            ),
        )
        for view in _views(context, language, hits, digits)
    ]
    button = None
    if not results:
        key = "search.inline_hint" if isinstance(query, QueryProblem) else "search.inline_none"
        text = renderer.text(language, key, digit_style=digits, days=SEARCH_DAYS)
        button = InlineQueryResultsButton(
            text=html.unescape(text), start_parameter=START_FROM_INLINE
        )
    # Personal: the descriptions are in the reader's language and digits.
    await inline_query.answer(
        results, cache_time=INLINE_CACHE_SECONDS, is_personal=True, button=button
    )


async def usage(update: Update, context: MujazContext) -> None:
    """How to search: /start search (the inline results' button) lands here."""
    limits = {"days": SEARCH_DAYS, "words": MAX_QUERY_WORDS, "chars": MAX_QUERY_CHARS}
    await reply(update, context, "search.empty", given="", bot=_username(context), **limits)


def _username(context: MujazContext) -> str:
    try:
        return context.bot.username
    except RuntimeError:  # not initialized: never while it answers updates
        return "mujaz_bot"


async def _digits(context: MujazContext, chat_id: int | None, language: str) -> Digits:
    """The digits the reader's own chat chose, or their language's default."""
    row = await context.services.chats.get(chat_id) if chat_id is not None else None
    return row.digits if row and row.digits else default_digits(language)


def _views(
    context: MujazContext, language: str, hits: list[Hit], digits: Digits
) -> list[dict[str, Any]]:
    now = context.services.clock()
    ago = context.services.renderer.ago
    return [
        {
            "id": hit.article_id,
            "title": hit.title,
            "url": hit.url,
            "source": hit.source,
            "age": ago(language, hit.published_at, now, digits),
        }
        for hit in hits
    ]
