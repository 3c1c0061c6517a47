"""The fake's inline mode refuses what Telegram refuses in answerInlineQuery."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineQueryResultArticle, InputTextMessageContent

from .bot_api import FakeBotAPI
from .test_fake_bot_api import bad_request, raw_call

USER = 1001


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    async with Bot(fake_bot_api.token, base_url=f"{fake_bot_api.url}/bot") as real_bot:
        yield real_bot


def article(result_id: str, text: str = "<b>x</b>", title: str = "t") -> InlineQueryResultArticle:
    return InlineQueryResultArticle(
        result_id, title, InputTextMessageContent(text, parse_mode="HTML")
    )


def query_id(api: FakeBotAPI) -> str:
    return str(api.user_types_inline(USER, "باكو")["id"])


async def test_a_good_answer_is_kept_once(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    query = query_id(fake_bot_api)
    assert await bot.answer_inline_query(query, [article("a1"), article("a2")])
    assert [r["id"] for r in fake_bot_api.inline_answers[0]["results"]] == ["a1", "a2"]
    with bad_request("QUERY_ID_INVALID"):  # one answer per query
        await bot.answer_inline_query(query, [article("a1")])


async def test_an_unknown_query_id_is_refused(bot: Bot) -> None:
    with bad_request("QUERY_ID_INVALID"):
        await bot.answer_inline_query("42", [])


async def test_more_than_fifty_results_are_refused(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    with bad_request("RESULTS_TOO_MUCH"):
        await bot.answer_inline_query(query_id(fake_bot_api), [article(f"a{i}") for i in range(51)])


@pytest.mark.parametrize(
    ("ids", "reason"), [(["a", "a"], "RESULT_ID_DUPLICATE"), (["x" * 65], "RESULT_ID_INVALID")]
)
async def test_result_ids_are_unique_and_at_most_64_bytes(
    fake_bot_api: FakeBotAPI, bot: Bot, ids: list[str], reason: str
) -> None:
    with bad_request(reason):
        await bot.answer_inline_query(query_id(fake_bot_api), [article(i) for i in ids])


async def test_the_shared_message_html_is_parsed_like_a_message(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    with bad_request("can't parse entities"):
        await bot.answer_inline_query(query_id(fake_bot_api), [article("a", "<p>x</p>")])


@pytest.mark.parametrize(
    ("result", "reason"),
    [
        ({"type": "article", "id": "a", "input_message_content": {"message_text": "x"}}, "TITLE"),
        ({"type": "article", "id": "a", "title": "t"}, "input_message_content"),
        ({"type": "article", "title": "t"}, 'find field "id"'),
    ],
)
async def test_an_article_needs_a_title_and_a_message_to_send(
    fake_bot_api: FakeBotAPI, result: dict[str, Any], reason: str
) -> None:
    status, body = await raw_call(
        fake_bot_api, "answerInlineQuery", inline_query_id=query_id(fake_bot_api), results=[result]
    )
    assert status == 400 and reason in body["description"]


async def test_the_button_takes_a_valid_start_parameter(fake_bot_api: FakeBotAPI) -> None:
    status, body = await raw_call(
        fake_bot_api,
        "answerInlineQuery",
        inline_query_id=query_id(fake_bot_api),
        results=[],
        button={"text": "go", "start_parameter": "no spaces allowed"},
    )
    assert status == 400 and "START_PARAM_INVALID" in body["description"]
