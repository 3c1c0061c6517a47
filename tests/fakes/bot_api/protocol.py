"""What Bot API requests and answers look like on the wire: error answers, uploaded files and
how the untyped form fields PTB sends become typed parameters."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

JSONDict = dict[str, Any]

# How form fields are typed. PTB sends every value as a string and JSON-encodes anything that
# is not a string, so the server has to know each parameter's type, as Telegram does.
_CHAT_ID_PARAMS = frozenset({"chat_id", "from_chat_id"})
_INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "user_id",
        "message_thread_id",
        "max_connections",
        "cache_time",
        "icon_color",
    }
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_paid_broadcast",
        "is_personal",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "entities",
        "caption_entities",
        "results",
        "button",
    }
)


# How Telegram names a JSON parameter in "can't parse … JSON object".
_JSON_NAMES = {
    "reply_markup": "reply keyboard markup",
    "link_preview_options": "link preview options",
}


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request. It is kept in ``requests`` params in place of the
    raw bytes."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


def coerce(name: str, value: Any) -> Any:
    """Types one parameter as Telegram does. PTB sends ints as "123", bools as "true" and
    objects as JSON text."""
    if isinstance(value, UploadedFile) or value is None:
        return value
    if name in _CHAT_ID_PARAMS:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if name in _INT_PARAMS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in _FLOAT_PARAMS:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in _BOOL_PARAMS:
        return value if isinstance(value, bool) else str(value).lower() in {"true", "1"}
    if name in _JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            what = _JSON_NAMES.get(name, name)
            raise ApiError(400, f"Bad Request: can't parse {what} JSON object") from None
    if name in {"callback_query_id", "text", "caption"} and not isinstance(value, str):
        return str(value)
    return value
