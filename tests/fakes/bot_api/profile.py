"""The bot's profile texts: setMyDescription / getMyDescription (the empty chat's "What can
this bot do?", at most 512 characters) and setMyShortDescription / getMyShortDescription
(the profile page and shared links, at most 120), each per language code, as Telegram keeps
them. An empty or missing text removes the one for that language."""

from __future__ import annotations

import re

from ..telegram_html import utf16_len
from .protocol import ApiError, JSONDict

MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120


class Profile:
    """``descriptions`` and ``short_descriptions`` are what tests read: language code (None for
    the default) -> the text set for it."""

    def __init__(self) -> None:
        self.descriptions: dict[str | None, str] = {}
        self.short_descriptions: dict[str | None, str] = {}

    # ==== Bot API methods ========================================================================

    async def set_my_description(self, params: JSONDict) -> bool:
        _store(self.descriptions, params, "description", MAX_DESCRIPTION)
        return True

    async def get_my_description(self, params: JSONDict) -> JSONDict:
        return {"description": self.descriptions.get(_language(params), "")}

    async def set_my_short_description(self, params: JSONDict) -> bool:
        _store(self.short_descriptions, params, "short_description", MAX_SHORT_DESCRIPTION)
        return True

    async def get_my_short_description(self, params: JSONDict) -> JSONDict:
        return {"short_description": self.short_descriptions.get(_language(params), "")}


def _language(params: JSONDict) -> str | None:
    language = params.get("language_code") or ""
    if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
        raise ApiError(400, "Bad Request: invalid language code specified")
    return language or None


def _store(texts: dict[str | None, str], params: JSONDict, field: str, limit: int) -> None:
    language = _language(params)
    text = params.get(field) or ""
    if not isinstance(text, str):
        raise ApiError(400, f'Bad Request: field "{field}" must be of type String')
    if utf16_len(text) > limit:
        raise ApiError(400, f"Bad Request: {field.replace('_', ' ')} is too long")
    if text:
        texts[language] = text
    else:
        texts.pop(language, None)
