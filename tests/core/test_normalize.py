import pytest

from bot.core.normalize import normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أذربيجان", "اذربيجان"),
        ("إيران", "ايران"),
        ("آسيا", "اسيا"),
        ("ٱلله", "الله"),
        ("مستشفى", "مستشفي"),
        ("قرة", "قره"),
        ("أَذْرَبِيجَانُ", "اذربيجان"),  # diacritics
        ("بـــاكو", "باكو"),  # tatweel
        ("٢٠٢٤ و۱۲", "2024 و12"),  # Arabic-Indic and Persian digits
        ("با\u200fكو\u200b", "باكو"),  # bidi and zero-width marks
        ("«باكو»، يريفان؟", "باكو يريفان"),  # Arabic punctuation
        ("Zürich  RUSSIA's", "zurich russia s"),  # case, accents, apostrophe
        ("ﺑﺎﻛﻮ", "باكو"),  # presentation forms
    ],
)
def test_folds_spelling_variants(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_is_idempotent() -> None:
    text = "وبأذربيجانَ، قرة باغ — Karabakh!"
    assert normalize(normalize(text)) == normalize(text)
