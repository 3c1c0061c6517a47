"""Bot tokens out of every text we write: logs, stored errors, replies.

A token is the bot's whole identity, and libraries put request URLs (which carry it,
`/bot<id>:<secret>/sendMessage`) into error messages. Anything that looks like one is
replaced, so no configuration of which token to hide is needed.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"(?<![0-9])\d{5,}:[A-Za-z0-9_-]{30,}")
HIDDEN = "<bot-token>"


def redact(text: str) -> str:
    return _TOKEN.sub(HIDDEN, text)
