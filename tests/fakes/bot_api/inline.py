"""Inline mode: the queries users type after the bot's name and answerInlineQuery, checked as
Telegram checks it (at most 50 results, ids of 1–64 bytes unique in the answer, each article
with a title and a message to send whose HTML parses, one answer per query)."""

from __future__ import annotations

import itertools
import re
from typing import Any

from . import validation
from .protocol import ApiError, JSONDict

MAX_RESULTS = 50
MAX_RESULT_ID_BYTES = 64
MAX_NEXT_OFFSET_BYTES = 64
QUERY_INVALID = "Bad Request: QUERY_ID_INVALID"
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Inline:
    """Open inline queries and the answers the bot gave; ``answers`` is what tests read."""

    def __init__(self) -> None:
        self.answers: list[JSONDict] = []
        self._open: set[str] = set()
        self._ids = itertools.count(7_000_000_000_001)

    def open_query(self) -> str:
        query_id = str(next(self._ids))
        self._open.add(query_id)
        return query_id

    async def answer_inline_query(self, params: JSONDict) -> bool:
        query_id = params.get("inline_query_id")
        if not isinstance(query_id, str) or query_id not in self._open:
            raise ApiError(400, QUERY_INVALID)
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        seen: set[str] = set()
        for result in results:
            _check_result(result, seen)
        offset = params.get("next_offset")
        if offset is not None and len(str(offset).encode("utf-8")) > MAX_NEXT_OFFSET_BYTES:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        if params.get("button") is not None:
            _check_button(params["button"])
        self._open.discard(query_id)
        self.answers.append(dict(params))
        return True


def _check_result(result: Any, seen: set[str]) -> None:
    prefix = "Bad Request: can't parse inline query result: "
    if not isinstance(result, dict):
        raise ApiError(400, prefix + "InlineQueryResult must be an Object")
    if "id" not in result:
        raise ApiError(400, prefix + 'Can\'t find field "id"')
    result_id = result["id"]
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode()) <= MAX_RESULT_ID_BYTES:
        raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
    if result_id in seen:
        raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if result.get("type") != "article":
        # The bot only answers with articles; another type here is a mistake to see.
        raise ApiError(400, prefix + f"unsupported result type {result.get('type')!r} in fake")
    title = result.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ApiError(400, "Bad Request: RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict):
        raise ApiError(400, prefix + 'Can\'t find field "input_message_content"')
    if "message_text" not in content:
        raise ApiError(400, prefix + "unsupported input_message_content in fake")
    validation.message_text(
        {
            "text": content["message_text"],
            **{k: v for k, v in content.items() if k != "message_text"},
        }
    )
    validation.reply_markup(result, inline_only=True)


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
    has_start = "start_parameter" in button
    if has_start == ("web_app" in button):
        raise ApiError(400, "Bad Request: can't parse InlineQueryResultsButton: one action")
    if has_start and not _START_PARAMETER.fullmatch(str(button["start_parameter"])):
        raise ApiError(400, "Bad Request: START_PARAM_INVALID")
