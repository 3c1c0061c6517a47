"""A followed phrase keeps only its words: markup pasted around them is no part of it."""

from bot.core.phrases import check_phrase


def test_tags_around_a_phrase_are_not_stored_or_matched() -> None:
    check = check_phrase("<b>كورسك</b>")
    assert check.ok and check.phrase == "كورسك" and check.key == "كورسك"
    assert check_phrase('<a href="x">ممر زنغزور</a>').phrase == "ممر زنغزور"


def test_markup_alone_is_an_empty_phrase() -> None:
    assert check_phrase("<b></b>").reason == "empty"


def test_a_lone_angle_bracket_is_not_taken_for_a_tag() -> None:
    assert check_phrase("a < b").phrase == "a < b"
