import tracemalloc

import pytest

from bot.core import normalize as module
from bot.core.normalize import (
    decode_normalized,
    encode_normalized,
    normalize,
    normalize_bytes,
    normalize_padded,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أذربيجان", "اذربيجان"),
        ("إيران", "ايران"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("قرة", "قره"),
        ("مؤتمر رئيس", "موتمر رييس"),  # hamza on waw and ya
        ("أَذْرَبِيجَانُ", "اذربيجان"),  # diacritics
        ("ٰهذا", "هذا"),  # superscript alef
        ("بـــاكو", "باكو"),  # tatweel
        ("٢٠٢٤ و۱۲", "2024 و12"),  # Arabic-Indic and Persian digits
        ("با\u200fكو\u200b", "باكو"),  # bidi and zero-width marks
        ("\u2067باكو\u2069 \u202bيريفان\u202c", "باكو يريفان"),  # bidi isolates, embeddings
        ("«باكو»، يريفان؟ تبليسي؛ ٥٠٪", "باكو يريفان تبليسي 50"),  # Arabic punctuation
        ("“Baku”—Yerevan… (Tbilisi)!", "baku yerevan tbilisi"),  # Latin punctuation
        ("Nagorno-Karabakh's_capital", "nagorno karabakh s capital"),
        ("Zürich  RUSSIA's", "zurich russia s"),  # case, accents, apostrophe
        ("Erdoğan İstanbul Straße", "erdogan istanbul strasse"),
        ("ﺑﺎﻛﻮ ﻷن", "باكو لان"),  # presentation forms and the lam-alef ligature
        ("ی ک ۀ", "ي ك ه"),  # Persian letters
        ("Москва и Баку", "москва и баку"),  # outside the fast alphabet: same rules
        ("باكو 🇦🇿 ✅ news", "باكو news"),  # emoji are not words
        ("", ""),
        (" \n\t ", ""),
    ],
)
def test_folds_spelling_variants(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_is_idempotent() -> None:
    text = "وبأذربيجانَ، قرة باغ — Karabakh! Москва ﻷ"
    assert normalize(normalize(text)) == normalize(text)


def _sample_characters() -> list[str]:
    ranges = [(0x20, 0x250), (0x600, 0x700), (0x2000, 0x2070), (0xFB50, 0xFE00), (0xFE70, 0xFF00)]
    return [chr(c) for low, high in ranges for c in range(low, high)]


def test_fast_path_agrees_with_character_by_character_folding() -> None:
    """The one-byte fast path gives what folding each character on its own gives."""
    for ch in _sample_characters():
        for text in (ch, f"a{ch}b باكو", f"{ch}{ch} X"):
            assert normalize(text) == module._normalize_slow(text), hex(ord(ch))


def test_bytes_line_up_with_text() -> None:
    for text in ("وبأذربيجانَ، قرة باغ — Karabakh!", "Москва и Баку", "é ﻷ 🇦🇿 ٢٠"):
        data = normalize_bytes(text)
        assert len(data) == len(normalize(text))
        if encode_normalized(normalize(text)) is not None:
            assert decode_normalized(data) == normalize(text)


def test_letters_outside_the_alphabet_become_placeholders_that_match_nothing() -> None:
    data = normalize_bytes("Курск كورسك")
    assert decode_normalized(data) == "\ufffd" * 5 + " كورسك"
    assert encode_normalized("курск") is None


def test_padded_folding_of_a_long_text_then_short_ones_keeps_nothing_of_the_earlier() -> None:
    # The one-pass fold writes into a buffer it reuses (a text longer than it: its own).
    texts = [
        "وصل الرئيس إلى باكو " * 900,
        "وصل الرئيس إلى باكو " * 5_000,
        "باكو",
        "",
        " x ",
        "ﻷن",
        "يريفان  اليوم",
    ]
    for text in [*texts, *reversed(texts)]:
        assert normalize_padded(text) == b" " + normalize_bytes(text) + b" ", text[:20]


def test_folding_a_text_of_megabytes_keeps_no_buffer_of_its_size_afterwards() -> None:
    # A hostile feed's item of megabytes is folded like any text, and the memory it took
    # is given back: the reused buffer does not grow to its size for the process's life.
    huge = "وصل الرئيس إلى باكو " * 250_000  # 5 million characters
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        folded = normalize_padded(huge)
        assert len(folded) == len(huge) + 1  # (one leading space added, a trailing one kept)
        del folded
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 100_000, kept
