"""How Telegram checks what a message shows: the text or caption after parsing (HTML entity
rules, lengths in UTF-16 units) and the keyboards. The same error texts as Telegram, so the bot
is tested against the answers it will really get."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from ..telegram_html import (
    FormattedText,
    TelegramHTMLError,
    parse_telegram_html_entities,
    strip_formatted_text,
    utf16_len,
)
from .protocol import ApiError, JSONDict

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def _format(text: str, parse_mode: Any, entities: Any) -> FormattedText:
    """Parses text or a caption like Telegram and trims it. Limits apply to the result.

    Markdown is refused as an unknown mode: the bot writes HTML, so the fake doesn't parse it.
    """
    mode = str(parse_mode or "").lower()
    if mode == "html":
        try:
            parsed = parse_telegram_html_entities(text)
        except TelegramHTMLError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    elif mode == "":
        parsed = FormattedText(text, list(entities) if isinstance(entities, list) else [])
    else:
        raise ApiError(400, "Bad Request: unsupported parse_mode")
    return strip_formatted_text(parsed)


def message_text(params: JSONDict) -> FormattedText:
    """The ``text`` of sendMessage / editMessageText, as the message will show it."""
    text = params.get("text")
    if not isinstance(text, str) or not text:
        raise ApiError(400, "Bad Request: message text is empty")
    formatted = _format(text, params.get("parse_mode"), params.get("entities"))
    if not formatted.text:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(formatted.text) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return formatted


def caption(params: JSONDict) -> FormattedText:
    """The ``caption`` of a photo, empty when there is none."""
    value = params.get("caption")
    if not isinstance(value, str) or not value:
        return FormattedText("")
    formatted = _format(value, params.get("parse_mode"), params.get("caption_entities"))
    if utf16_len(formatted.text) > MAX_CAPTION_LENGTH:
        raise ApiError(400, "Bad Request: message caption is too long")
    return formatted


def html_source(params: JSONDict, key: str) -> str | None:
    """The HTML the bot sent as ``key``, kept on the message for tests; None for other modes."""
    value = params.get(key)
    is_html = str(params.get("parse_mode") or "").lower() == "html"
    return value if is_html and isinstance(value, str) else None


_PREVIEW_FLAGS = ("is_disabled", "prefer_small_media", "prefer_large_media", "show_above_text")


def link_preview_options(params: JSONDict) -> JSONDict | None:
    """Checks link_preview_options like Telegram: a JSON object whose `url` is a string and
    whose flags are JSON booleans. Returns what the sent Message carries, None when absent."""
    options = params.get("link_preview_options")
    if options is None:
        return None
    if not isinstance(options, dict):
        raise ApiError(400, "Bad Request: object expected as link preview options")
    if "url" in options and not isinstance(options["url"], str):
        raise ApiError(400, 'Bad Request: field "url" must be of type String')
    for flag in _PREVIEW_FLAGS:
        if flag in options and not isinstance(options[flag], bool):
            raise ApiError(400, f'Bad Request: field "{flag}" must be of type Boolean')
    kept = {k: options[k] for k in ("url", *_PREVIEW_FLAGS) if options.get(k) not in (None, False)}
    return kept or None


def reply_markup(params: JSONDict, *, inline_only: bool = False) -> JSONDict | None:
    """Checks reply_markup. Returns the inline keyboard to store on the message, if any.

    Reply keyboards are checked but not kept: Telegram doesn't return them on Message.
    """
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        return _check_inline_keyboard(markup["inline_keyboard"])
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(
                400, 'Bad Request: field "keyboard" of the ReplyKeyboardMarkup must be an Array'
            )
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str) or not text:
                    raise ApiError(400, "Bad Request: can't parse keyboard button: text is empty")
        return None
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return None
    raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> JSONDict | None:
    """Returns the keyboard as stored on the message, or None for an empty one, which removes
    the keyboard."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
            "of Arrays",
        )
    if sum(len(row) for row in rows) > MAX_BUTTONS or any(
        len(row) > MAX_BUTTONS_PER_ROW for row in rows
    ):
        raise ApiError(400, "Bad Request: reply markup is too long")
    kept = [[_check_inline_button(button) for button in row] for row in rows if row]
    return {"inline_keyboard": kept} if kept else None


def _check_inline_button(button: Any) -> JSONDict:
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise ApiError(400, prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise ApiError(400, prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise ApiError(400, prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
    actions = [key for key in _INLINE_BUTTON_ACTIONS if _has_action(button, key)]
    if not actions:
        raise ApiError(400, prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram silently uses one of them; the other one is dead code in the bot.
        raise ApiError(
            400, prefix + f"exactly one optional field must be used, got {', '.join(actions)}"
        )
    if actions[0] == "callback_data":
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if actions[0] == "url":
        _check_button_url(button["url"])
    return {key: copy.deepcopy(value) for key, value in button.items() if value is not None}


def _has_action(button: JSONDict, key: str) -> bool:
    """Telegram treats an empty url or callback_data as absent. An empty switch_inline_query
    is a real action: it opens inline mode with an empty query."""
    value = button.get(key)
    if value is None:
        return False
    return value != "" or key.startswith("switch_inline_query")


def _check_button_url(url: Any) -> None:
    if not isinstance(url, str):
        raise ApiError(
            400,
            'Bad Request: can\'t parse inline keyboard button: Field "url" must be of type String',
        )
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parts.scheme.lower()
    problem = None
    if scheme not in {"http", "https", "tg", "ton"}:
        problem = "Unsupported URL protocol"
    elif scheme in {"http", "https"} and (
        not parts.hostname or "." not in parts.hostname or parts.hostname.endswith(".")
    ):
        problem = "Wrong HTTP URL"
    elif scheme == "tg" and not parts.netloc:
        problem = "Wrong URL host"
    if problem is not None:
        raise ApiError(
            400, f"Bad Request: inline keyboard button URL '{url}' is invalid: {problem}"
        )
