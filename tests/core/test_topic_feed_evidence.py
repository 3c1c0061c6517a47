"""What the feed says counts as evidence: the item's categories, the feed's section. It
tips a borderline item; it never files an item under a topic its text does not touch."""

from bot.core.catalog import Catalog, Topic
from bot.core.topics import CATEGORY_BONUS, SECTION_BONUS, Classifier, FeedEvidence


def classifier() -> Classifier:
    economy = Topic(
        "economy",
        "•",
        {"ar": "الاقتصاد", "en": "Economy"},
        (),
        theme=("الأسعار", "~الشركة"),
        sections=("أعمال", "business", "markets"),
    )
    caucasus = Topic(
        "south_caucasus", "•", {"ar": "جنوب القوقاز", "en": "South Caucasus"}, ("باكو",)
    )
    return Classifier(Catalog([economy, caucasus]))


def test_a_category_tips_a_borderline_item() -> None:
    c = classifier()
    plain = c.classify("", "الأسعار")
    assert plain.raw == {"economy": 1.0} and plain.topics == []
    tagged = c.classify("", "الأسعار", FeedEvidence(categories=("أعمال",)))
    assert tagged.raw == {"economy": 1.0 + CATEGORY_BONUS}
    assert tagged.topics == ["economy"] and tagged.feed == {"economy": CATEGORY_BONUS}


def test_a_section_feed_tips_less_than_the_items_own_category() -> None:
    c = classifier()
    section = c.classify("", "الأسعار", FeedEvidence(topics=frozenset({"economy"})))
    assert section.raw == {"economy": 1.0 + SECTION_BONUS}
    assert section.topics == []  # 2.5: a weak hint from the feed is not enough alone
    both = c.classify("", "الأسعار", FeedEvidence(frozenset({"economy"}), ("Business",)))
    assert both.feed == {"economy": CATEGORY_BONUS}  # the stronger, not the sum


def test_feed_evidence_never_forces_an_unrelated_item() -> None:
    c = classifier()
    result = c.classify("فيضانات في باكو", "", FeedEvidence(frozenset({"economy"}), ("markets",)))
    assert result.topics == ["south_caucasus"] and result.feed == {}


def test_categories_name_topics_by_section_word_topic_name_or_a_name() -> None:
    c = classifier()
    assert c.category_topics(["Markets"]) == {"economy"}
    assert c.category_topics(["الاقتصاد"]) == {"economy"}  # the topic's own name
    assert c.category_topics(["أخبار باكو"]) == {"south_caucasus"}  # one of its names
    assert c.category_topics(["الشركة"]) == set()  # a theme word is no section
    assert c.category_topics(["Sport"]) == set()
