"""A topic's theme vocabulary beside its names: tiers of weight, accumulation, the forms a
common noun takes, and actors — on plain values."""

from pathlib import Path

from bot.core.catalog import Catalog, Topic
from bot.core.topics import ACTOR_WEIGHT, Classifier


def topic(topic_id: str, keywords: list[str], theme: list[str] = (), **extra: object) -> Topic:  # type: ignore[assignment]
    names = {"ar": topic_id, "en": topic_id}
    return Topic(topic_id, "•", names, tuple(keywords), theme=tuple(theme), **extra)  # type: ignore[arg-type]


def test_tiers_weigh_one_half_and_a_quarter(tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(
        '[[topic]]\nid = "economy"\nemoji = "•"\nname_ar = "اقتصاد"\nname_en = "Economy"\n'
        "[topic.theme]\n"
        'strong = ["تضخم*|inflation"]\nmedium = ["الأسعار|prices"]\nweak = ["الشركة|company"]\n',
        encoding="utf-8",
    )
    catalog = Catalog.load(path)
    assert catalog["economy"].theme == ("تضخم*|inflation", "~الأسعار|prices", "~~الشركة|company")
    c = Classifier(catalog)
    assert c.classify("التضخم", "").raw == {"economy": 3.0}  # one strong word in a headline
    assert c.classify("الأسعار", "").raw == {"economy": 1.5}
    assert c.classify("", "الشركة").raw == {"economy": 0.25}


def test_theme_words_accumulate_like_names() -> None:
    """Three different words in the text reach the threshold; one repeated does not."""
    c = Classifier(Catalog([topic("sports", [], ["مباراة", "الملعب", "المدرب"])]))
    assert c.classify("", "مباراة مباراة مباراة").topics == []
    assert c.classify("", "مباراة في الملعب مع المدرب").topics == ["sports"]


def test_a_theme_word_takes_the_possessive_and_the_construct_form() -> None:
    """أرباح → أرباحها؛ موازنة → موازنتها، موازنته."""
    c = Classifier(Catalog([topic("economy", [], ["أرباح*", "موازنة"])]))
    found = {h.keyword.text for h in c.hits("أرباحها وموازنتها وموازنته والموازنة")}
    assert found == {"أرباح*", "موازنة"}
    assert len(c.hits("أرباحها وموازنتها وموازنته والموازنة")) == 4
    assert c.hits("عملت") == []  # a verb that looks like a construct form, alone


def test_a_theme_word_takes_the_accusative_alef() -> None:
    """«يحقق أرباحاً قياسية»: the indefinite accusative, written with its alef."""
    c = Classifier(Catalog([topic("economy", [], ["أرباح*", "لقاح"])]))
    assert {h.keyword.text for h in c.hits("يحقق أرباحاً ولقاحاً")} == {"أرباح*", "لقاح"}


def test_a_name_does_not_take_the_possessive() -> None:
    c = Classifier(Catalog([topic("t", ["باكو"])]))
    assert c.hits("باكوها") == []
    assert c.hits("باكوا") == []


def test_one_phrase_two_topics_when_both_list_it() -> None:
    """The longest match wins across topics: a phrase that is two topics' evidence is
    listed in both."""
    economy = topic("economy", [], ["البنك المركزي"])
    russia = topic("russia", ["البنك المركزي الروسي"])
    c = Classifier(Catalog([economy, russia]))
    assert c.classify("البنك المركزي الروسي", "").topics == ["russia"]
    both = topic("economy", [], ["البنك المركزي", "البنك المركزي الروسي"])
    c = Classifier(Catalog([both, russia]))
    assert set(c.classify("البنك المركزي الروسي", "").topics) == {"economy", "russia"}


def test_a_name_by_an_actor_word_weighs_more_in_the_text() -> None:
    catalog = Catalog(
        [topic("turkey", ["تركي*", "أنقرة"]), topic("other", ["باكو"])], actors=["وزير"]
    )
    c = Classifier(catalog)
    passing = c.classify("", "رحلات إلى باكو وأنقرة والمدن التركية")
    assert passing.raw["turkey"] == 2.0 and passing.topics == []  # two names in passing
    acting = c.classify("", "قال وزير الخارجية التركي إن أنقرة ترحب")
    assert acting.raw["turkey"] == ACTOR_WEIGHT + 1.0
    assert acting.topics == ["turkey"]
    assert len(acting.actors) == 1
