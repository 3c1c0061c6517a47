"""A feed's failure in one sentence of the reader's language: /addfeed and /feeds say why in
words (the raw status and error, in English, follow as the detail)."""

from __future__ import annotations

from bot.core.render import Renderer

KEYS = "feed_status"


def status_sentence(renderer: Renderer, language: str, status: str) -> str:
    """`http-404` → «الصفحة غير موجودة على الخادم (404).»; any status has a sentence."""
    known = renderer.keys(language)
    if f"{KEYS}.{status}" in known:
        return renderer.text(language, f"{KEYS}.{status}")
    code = status.removeprefix("http-")
    if status.startswith("http-") and code.isdigit():
        kind = "http-server" if code.startswith("5") else "http-other"
        return renderer.text(language, f"{KEYS}.{kind}", code=int(code))
    return renderer.text(language, f"{KEYS}.unknown")
