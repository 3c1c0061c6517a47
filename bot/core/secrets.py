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


def hide(text: str, secrets: tuple[str, ...] = ()) -> str:
    """`redact`, and the given secrets too wherever they stand, whole or in part: a token's
    secret half alone, or one with its colon percent-encoded, is no token to the pattern."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, HIDDEN)
    return redact(text)


def secret_forms(token: str | None) -> tuple[str, ...]:
    """The strings a log line must never show for this bot token."""
    if not token:
        return ()
    _, _, half = token.partition(":")
    forms = [token, token.replace(":", "%3A"), token.replace(":", "%3a")]
    if len(half) >= 16:  # the secret half alone identifies the bot as well
        forms.append(half)
    return tuple(forms)
