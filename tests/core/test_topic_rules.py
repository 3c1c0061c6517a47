"""The rule kinds that handle hard negatives, on plain values: `near`, `alone`, `unless`,
`unless_near`, `ignore = ["*"]` and rules shared by topics."""

from pathlib import Path

import pytest

from bot.core.catalog import Catalog, CatalogError, Rule, Topic
from bot.core.topics import Classifier


def topic(topic_id: str, keywords: list[str], *rules: Rule) -> Topic:
    names = {"ar": topic_id, "en": topic_id}
    return Topic(topic_id, "•", names, tuple(keywords), rules=tuple(rules))


def classifier(*topics: Topic) -> Classifier:
    return Classifier(Catalog(topics))


def test_near_sets_aside_only_the_hit_beside_its_phrase() -> None:
    """«دينامو تبليسي» is the club; Tbilisi elsewhere in the same article still counts."""
    rule = Rule(ignore=("تبليسي",), near=("دينامو",), within=1)
    c = classifier(topic("t", ["تبليسي", "باتومي"], rule))
    club = c.classify("دينامو تبليسي يفوز", "")
    assert club.topics == [] and [i.hit.keyword.text for i in club.ignored] == ["تبليسي"]
    assert c.classify("دينامو تبليسي في تبليسي", "").raw == {"t": 3.0}  # the second one counts
    # one word between is too far for within = 1, not for the default of 2
    assert c.classify("دينامو نادي تبليسي", "").topics == ["t"]
    wider = classifier(topic("t", ["تبليسي"], Rule(ignore=("تبليسي",), near=("دينامو",))))
    assert wider.classify("دينامو نادي تبليسي", "").topics == []


def test_near_looks_on_both_sides() -> None:
    rule = Rule(ignore=("Armenian*",), near=("American",))
    c = classifier(topic("t", ["Armenian*", "Yerevan"], rule))
    assert c.classify("Armenian-American mayor elected", "").topics == []
    assert c.classify("American and Armenian writers", "").topics == []
    assert c.classify("American envoy meets Armenian leaders", "").topics == ["t"]  # 2 between
    assert c.classify("Armenian leaders meet", "").topics == ["t"]


def test_alone_needs_no_other_name_of_the_topic() -> None:
    """The adjective alone is a style or an era; with the country named it is the country."""
    rule = Rule(ignore=("جورجي*",), alone=True)
    c = classifier(topic("t", ["جورجيا", "جورجي*"], rule), topic("u", ["لندن"]))
    assert c.classify("قصر على الطراز الجورجي في لندن", "").topics == ["u"]
    assert c.classify("البرلمان الجورجي يقر قانونا", "في جورجيا").topics == ["t"]


def test_unless_near_keeps_a_state_acting() -> None:
    rule = Rule(ignore=("أذري*",), alone=True, unless_near=("الرئيس", "نظيره"))
    c = classifier(topic("t", ["أذري*"], rule))
    assert c.classify("مطعم أذري في برلين", "").topics == []
    assert c.classify("الرئيس الأذري يزور برلين", "").topics == ["t"]
    assert c.classify("", "التقى الوزير نظيره الأذري وبحثا وبحثا وبحثا").raw == {"t": 1.0}


def test_a_state_noun_by_one_mention_keeps_every_mention_of_the_entry() -> None:
    """«جندي أرميني» in the headline is the country when the lead says «وزارة الدفاع
    الأرمينية»; without the state noun the headline's adjective is set aside."""
    rule = Rule(ignore=("أرميني*",), alone=True, unless_near=("وزارة",))
    c = classifier(topic("t", ["أرميني*"], rule))
    soldier = c.classify("مقتل جندي أرميني", "قالت وزارة الدفاع الأرمينية إن جنديا قتل")
    assert soldier.topics == ["t"] and soldier.ignored == []
    assert c.classify("مقتل جندي أرميني", "قالت المصادر الأرمينية إن جنديا قتل").topics == []


def test_unless_stops_the_rule_anywhere_in_the_article() -> None:
    rule = Rule(ignore=("قره باغ",), when=("دوري الأبطال",), unless=("منتخب*",))
    c = classifier(topic("t", ["قره باغ"], rule))
    assert c.classify("قره باغ يتأهل في دوري الأبطال", "").topics == []
    assert c.classify("قره باغ يتأهل في دوري الأبطال", "مع لاعبي المنتخب").topics == ["t"]


def test_ignore_star_is_every_entry_of_the_topic() -> None:
    rule = Rule(ignore=("*",), near=("سبارتاك",), within=1)
    c = classifier(topic("russia", ["موسكو", "روسيا"], rule))
    assert c.classify("سبارتاك موسكو يفوز", "").topics == []
    assert c.classify("روسيا تستضيف مباراة سبارتاك موسكو", "").topics == ["russia"]


def test_rules_only_take_evidence_away() -> None:
    """Where a rule sets a hit aside the topic loses exactly that hit's weight."""
    rule = Rule(ignore=("جورجيا",), when=("أتلانتا",))
    c = classifier(topic("t", ["جورجيا", "تبليسي"], rule))
    assert c.classify("جورجيا وتبليسي", "").raw == {"t": 6.0}
    assert c.classify("جورجيا وتبليسي", "أتلانتا").raw == {"t": 3.0}


def load(tmp_path: Path, text: str) -> Catalog:
    path = tmp_path / "topics.toml"
    path.write_text(text, encoding="utf-8")
    return Catalog.load(path)


TOPICS = """
[[topic]]
id = "russia"
emoji = "•"
name_ar = "روسيا"
name_en = "Russia"
keywords = ["موسكو"]

[[topic]]
id = "iran"
emoji = "•"
name_ar = "إيران"
name_en = "Iran"
keywords = ["تبريز"]
"""


def test_a_top_level_rule_is_a_rule_of_each_topic_it_lists(tmp_path: Path) -> None:
    catalog = load(
        tmp_path,
        'actors = ["وزير"]\n[[rule]]\ntopics = ["russia", "iran"]\nignore = ["*"]\n'
        'near = ["نادي"]\nwithin = 1\n' + TOPICS,
    )
    assert [len(t.rules) for t in catalog.topics] == [1, 1]
    assert catalog.actors == ("وزير",)
    c = Classifier(catalog)
    assert c.classify("نادي موسكو ونادي تبريز", "").topics == []
    assert set(c.classify("موسكو وتبريز", "").topics) == {"russia", "iran"}


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ('[[rule]]\ntopics = ["mars"]\nignore = ["*"]\nnear = ["x"]\n', "unknown topic(s)"),
        ('[[rule]]\ntopics = ["iran"]\nignore = ["*"]\n', "a condition"),
        ('[[rule]]\ntopics = ["iran"]\nignore = ["*"]\nnear = ["x"]\nalone = true\n', "not both"),
        (
            '[[rule]]\ntopics = ["iran"]\nignore = ["*"]\nalone = true\n'
            'unless_near = ["رئيس الوزراء"]\n',
            "single words",
        ),
        ('colour = "red"\n', "unknown top-level field(s) colour"),
        ('actors = ["رئيس الوزراء"]\n', "actors: single words only"),
    ],
)
def test_a_broken_rule_or_top_level_field_is_named(
    tmp_path: Path, prefix: str, message: str
) -> None:
    with pytest.raises(CatalogError) as error:
        load(tmp_path, prefix + TOPICS)
    assert message in str(error.value)


def test_a_spelling_that_ends_words_and_the_alone_rule_on_it() -> None:
    """`*شفيلي`: any Georgian surname; alone it is a player abroad, with a state noun or
    another name of the country it is Georgia."""
    rule = Rule(ignore=("*شفيلي", "*shvili"), alone=True, unless_near=("رئيس",))
    c = classifier(topic("t", ["*شفيلي|*shvili", "تبليسي"], rule))
    assert {h.keyword.entry for h in c.hits("غاريباشفيلي Garibashvili")} == {"*شفيلي|*shvili"}
    assert c.hits("شفيليات") == []  # the end of a word, with no ending after it
    assert c.classify("ماماردشفيلي يتألق", "").topics == []
    assert c.classify("رئيس الوزراء كوبيريشفيلي يستقيل", "").topics == ["t"]
    assert c.classify("غاريباشفيلي يعود", "في تبليسي").topics == ["t"]
