"""How hits become scores: places, repeats, weak names, rules, the leading topic."""

from bot.core.catalog import Rule, Topic
from bot.core.topics import RELATIVE_SHARE, Catalog, Classifier


def topic(topic_id: str, keywords: list[str], **extra: object) -> Topic:
    return Topic(topic_id, "•", {"ar": topic_id, "en": topic_id}, tuple(keywords), **extra)  # type: ignore[arg-type]


def classifier(*topics: Topic) -> Classifier:
    return Classifier(Catalog(topics))


def test_title_three_body_one_repeats_half_capped() -> None:
    c = classifier(topic("t", ["باكو", "يريفان"]))
    assert c.classify("باكو", "").raw == {"t": 3.0}
    assert c.classify("", "باكو").raw == {"t": 1.0}
    assert c.classify("", "باكو باكو").raw == {"t": 1.5}
    assert c.classify("", "باكو " * 9).raw == {"t": 2.0}  # the bonus stops at +1
    assert c.classify("باكو", "باكو يريفان").raw == {"t": 4.5}


def test_weak_entry_counts_half() -> None:
    c = classifier(topic("t", ["~الدولار", "باكو"]))
    assert c.classify("الدولار", "").raw == {"t": 1.5}
    assert c.classify("الدولار", "").topics == []


def test_topic_threshold_from_the_catalog() -> None:
    c = classifier(topic("t", ["باكو"], threshold=4.0))
    assert c.classify("باكو", "").topics == []
    assert c.classify("باكو", "باكو باكو").topics == ["t"]


def test_rule_sets_aside_only_its_spellings_while_its_phrase_is_present() -> None:
    rule = Rule(ignore=("جورجيا",), when=("أتلانتا",))
    c = classifier(topic("t", ["جورجيا", "تبليسي"], rules=(rule,)))
    assert c.classify("جورجيا", "").topics == ["t"]
    result = c.classify("جورجيا", "أتلانتا")
    assert result.topics == []
    assert [(i.hit.keyword.text, i.rule) for i in result.ignored] == [("جورجيا", 0)]
    assert [h.context.text for h in result.context] == ["أتلانتا"]
    assert c.classify("جورجيا وتبليسي", "أتلانتا").raw == {"t": 3.0}


def test_not_phrase_shadows_the_keyword_it_contains() -> None:
    c = classifier(topic("t", ["جورجيا"], not_phrases=("ولاية جورجيا",)))
    result = c.classify("ولاية جورجيا", "")
    assert result.raw == {} and [h.context.text for h in result.context] == ["ولاية جورجيا"]


def test_a_topic_named_only_in_the_text_must_hold_its_own() -> None:
    main = topic("main", ["باكو", "يريفان", "تبليسي", "جنجة", "شوشا"])
    c = classifier(main, topic("side", ["أ1", "ب2", "ج3"]))
    text = "باكو يريفان تبليسي جنجة شوشا " * 3 + "أ1 ب2 ج3"
    result = c.classify("باكو ويريفان", text)
    assert result.raw["side"] >= 3
    assert result.raw["side"] < RELATIVE_SHARE * result.raw["main"]
    assert result.topics == ["main"]
    assert c.classify("", "أ1 ب2 ج3").topics == ["side"]


def test_one_match_serves_every_topic_that_lists_it() -> None:
    c = classifier(topic("energy", ["غازبروم"]), topic("russia", ["غازبروم"]))
    assert set(c.classify("غازبروم", "").topics) == {"energy", "russia"}
