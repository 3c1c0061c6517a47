"""An item's language from its headline and text; a feed's from most of its items."""

from __future__ import annotations

import pytest

from bot.core.language import (
    UNDETERMINED,
    Majority,
    default_languages,
    detect,
    effective,
    majority,
    parse_languages,
    preferred,
)
from bot.errors import BadLanguages

PUTIN_AR = "وصل الرئيس الروسي فلاديمير بوتين إلى باكو في زيارة دولة تستغرق يومين."
PUTIN_EN = (
    "Russian President Vladimir Putin arrived in Baku on Monday for a two-day state visit,"
    " the Kremlin said, in a trip aimed at strengthening ties with Azerbaijan."
)


@pytest.mark.parametrize(
    ("title", "text", "language"),
    [
        ("بوتين يصل إلى باكو", PUTIN_AR, "ar"),
        ("Putin arrives in Baku", PUTIN_EN, "en"),
        ("Putin trifft Alijew in Baku", "Der russische Präsident ist zu Gesprächen in Baku.", "de"),
        (
            "Poutine arrive à Bakou",
            "Le président russe est arrivé lundi pour des entretiens.",
            "fr",
        ),
        ("El presidente ruso llega a Bakú", "Putin se reunió con Aliyev en la capital.", "es"),
        ("Путин прибыл в Баку", "Президент России прибыл с государственным визитом.", "ru"),
        ("Erdoğan Bakü'de", "Cumhurbaşkanı Erdoğan Azerbaycan'a resmi bir ziyaret yaptı.", "tr"),
    ],
)
def test_a_whole_item_is_told_by_its_words(title: str, text: str, language: str) -> None:
    assert detect(title, text) == language


@pytest.mark.parametrize(
    ("title", "language"),
    [
        ("پوتین به باکو رسید و با علی‌اف دیدار کرد", "fa"),  # Persian letters: the model decides
        ("پاکستان کے وزیر اعظم نے کہا", "ur"),
        ("عاجل", "ar"),  # one Arabic word is Arabic: Arabic letters, none Persian or Urdu
        ("غوغل تطلق ميزة جديدة لمستخدمي گوگل في مصر", "ar"),  # one Persian letter in a name
    ],
)
def test_arabic_letters_are_arabic_unless_persian_or_urdu_ones_say_otherwise(
    title: str, language: str
) -> None:
    assert detect(title) == language


@pytest.mark.parametrize(
    "title", ["Baku", "OPEC+", "Oil prices rise", "NATO summit opens in Vilnius", "Putin in Baku"]
)
def test_a_short_plain_latin_headline_is_english(title: str) -> None:
    # The model alone says Tagalog, Romanian, French, Latin and Bikol for these.
    assert detect(title) == "en"


def test_text_without_letters_is_undetermined_and_reads_as_arabic() -> None:
    assert detect("", "") == detect("2024 — 12:30", "") == detect("😀 “!”", "") == UNDETERMINED
    assert effective(UNDETERMINED) == effective(None) == "ar"
    assert detect("٢٠٢٤", "") == "ar"  # Arabic-Indic digits count as Arabic


def test_the_headline_weighs_double_in_mixed_text() -> None:
    # An Arabic headline over a short English caption stays Arabic…
    assert detect("بوتين يصل إلى باكو في زيارة دولة", "Photo: Reuters") == "ar"
    # …but English wire copy under a one-line Arabic headline is English.
    assert detect("بوتين في باكو", PUTIN_EN) == "en"
    assert detect("Putin arrives in Baku", PUTIN_AR) == "ar"


def test_a_feed_is_in_the_language_of_most_of_its_items() -> None:
    assert majority(["de"] * 9 + ["en"]) == Majority("de", 9, 10)
    assert majority(["ar", None, UNDETERMINED, "en"]) == Majority("ar", 3, 4)
    assert majority(["ar", "en"]) == Majority("ar", 1, 2)  # a tie goes to Arabic
    assert majority([]) is None
    assert not Majority("de", 9, 10).arabic and Majority("ar", 1, 1).arabic


def test_readers_read_arabic_plus_their_own_language_by_default() -> None:
    assert default_languages("ar") == {"ar"}
    assert default_languages("en") == {"ar", "en"}
    assert preferred("ar", frozenset({"ar", "en"})) == "ar"
    assert preferred("en", frozenset({"ar", "en"})) == "en"
    assert preferred("en", frozenset({"ar", "fr"})) == "ar"


@pytest.mark.parametrize(
    ("words", "languages"),
    [
        (["ar", "en"], {"ar", "en"}),
        (["ar,en"], {"ar", "en"}),
        (["عربي", "إنجليزي"], {"ar", "en"}),
        (["العربية", "والإنجليزية"], {"ar", "en"}),
        (["انجليزى"], {"en"}),
        (["Arabic", "and", "French"], {"ar", "fr"}),
        (["الفرنسية", "German", "tr"], {"fr", "de", "tr"}),
        (["EN"], {"en"}),
    ],
)
def test_languages_by_code_or_by_arabic_or_english_name(
    words: list[str], languages: set[str]
) -> None:
    assert parse_languages(words) == languages


@pytest.mark.parametrize("words", [["klingon"], ["ar", "xx"], ["و"], ["and"], ["!!"]])
def test_junk_or_nothing_is_refused_naming_what_was_given(words: list[str]) -> None:
    with pytest.raises(BadLanguages) as refused:
        parse_languages(words)
    assert refused.value.params["given"]
