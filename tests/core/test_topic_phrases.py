"""Readers' own keywords: the check a typed phrase gets, and matching many readers at once."""

import pytest

from bot.core.phrases import (
    MAX_PHRASE_LENGTH,
    PhraseMatch,
    PhraseMatcher,
    check_phrase,
)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ك" * (MAX_PHRASE_LENGTH + 1), "too_long"),
        ("واحد اثنان ثلاثة أربعة خمسة", "too_many_words"),
        ("2024", "no_letters"),
        ("🔥🔥", "no_letters"),
        ("«»", "empty"),
        ("ب", "too_short"),
        ("x", "too_short"),
        ("Курск", "unsupported_letters"),
        ("في", "only_stop_words"),
        ("من على", "only_stop_words"),
        ("the news", "only_stop_words"),
    ],
)
def test_junk_gets_a_reason_code(typed: str, reason: str) -> None:
    check = check_phrase(typed)
    assert not check and check.reason == reason


@pytest.mark.parametrize(
    ("typed", "phrase", "key"),
    [
        ("كورسك", "كورسك", "كورسك"),
        ("  «قرة   باغ»  ", "قرة باغ", "قره باغ"),
        ('"Zangezur"', "Zangezur", "zangezur"),
        ("أرمن*", "أرمن*", "ارمن*"),
        ("COP29", "COP29", "cop29"),
        ("في باكو", "في باكو", "في باكو"),  # a stop word beside a name is fine
    ],
)
def test_good_phrases_are_cleaned_and_keyed(typed: str, phrase: str, key: str) -> None:
    check = check_phrase(typed)
    assert check and check.reason is None
    assert (check.phrase, check.key) == (phrase, key)


def test_one_automaton_says_which_phrases_occur() -> None:
    matcher = PhraseMatcher(
        [
            (1, "كورسك"),
            (2, "Zangezur"),
            (3, "قرة باغ"),
            (4, "باغ"),  # inside another reader's phrase: still found
            (5, "لبنان"),
            (6, "غزة"),
            (7, "كورسك"),  # two readers, one phrase
        ]
    )
    assert len(matcher) == 7
    title = "معارك في كورسك"
    text = "قال مسؤول إن ممر زنغزور (Zangezur) وإقليم قره باغ يهمان اللبنانيين أيضا"
    assert matcher.match(title, text) == {1, 2, 3, 4, 5, 7}
    assert matcher.matches(title, text)[1] == PhraseMatch(in_title=True, times=1)


def test_same_rules_as_the_catalog() -> None:
    matcher = PhraseMatcher([("kursk", "كورسك"), ("iran", "Iran"), ("baku", "باكو")])
    assert matcher.match("", "وبكورسك") == {"kursk"}
    assert matcher.match("", "Iranians") == {"iran"}  # four letters: endings allowed
    assert matcher.match("", "الباكورة") == set()  # not inside another word
    assert matcher.match("", "bakugan iranshahr") == set()


def test_short_phrases_take_endings_only_when_asked() -> None:
    assert PhraseMatcher([(1, "غزة")]).match("", "الغزيين") == set()
    assert PhraseMatcher([(1, "قطر")]).match("", "قطرات المطر") == set()
    assert PhraseMatcher([(1, "نفط*")]).match("", "النفطية") == {1}


def test_bad_stored_phrases_are_left_out_not_fatal() -> None:
    matcher = PhraseMatcher([(1, "كورسك"), (2, "في"), (3, "")])
    assert len(matcher) == 1
    assert [i for i, _ in matcher.rejected] == [2, 3]
    assert matcher.match("كورسك", "") == {1}


def test_an_empty_matcher_matches_nothing() -> None:
    assert PhraseMatcher([]).match("كورسك", "باكو") == set()
