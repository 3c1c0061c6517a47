"""On/off arguments of the switch commands (/nothingnew, /silent, /preview), in both languages."""

from __future__ import annotations

from bot.core.normalize import normalize

ON = frozenset(normalize(w) for w in ("on", "yes", "1", "تشغيل", "نعم"))
OFF = frozenset(normalize(w) for w in ("off", "no", "0", "ايقاف", "إيقاف", "لا"))


def parse_switch(text: str) -> bool | None:
    """True for on, False for off, None for anything else (a reply then says how)."""
    word = normalize(text)
    if word in ON:
        return True
    if word in OFF:
        return False
    return None
