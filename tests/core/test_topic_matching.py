import pytest

from bot.core.topics import Catalog, Classifier
from tests.paths import TEMPLATES, seed_article

REQUIRED_IDS = {
    "south_caucasus", "russia", "ukraine_war", "middle_east", "iran", "turkey",
    "gulf", "economy", "energy", "sports", "technology", "health",
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(TEMPLATES / "topics.toml")


@pytest.fixture(scope="module")
def classifier(catalog: Catalog) -> Classifier:
    return Classifier(catalog)


def keywords_hit(classifier: Classifier, text: str) -> set[str]:
    return {h.keyword.text for h in classifier.hits(text)}


def test_catalog_has_every_topic_of_the_design(catalog: Catalog) -> None:
    assert set(catalog.ids()) >= REQUIRED_IDS
    for topic in catalog.topics:
        assert topic.name("ar") and topic.name("en") and topic.keywords


@pytest.mark.parametrize(
    "text",
    [
        "أذربيجان",
        "وبأذربيجان",
        "فأذربيجان",
        "لأذربيجان",
        "كأذربيجان",
        "والأذربيجاني",
        "الأذربيجانية",
    ],
)
def test_keyword_matches_with_proclitics_and_derivations(classifier: Classifier, text: str) -> None:
    assert "أذربيجان*" in keywords_hit(classifier, text)


@pytest.mark.parametrize("text", ["باكو", "وباكو", "بباكو", "لباكو", "وبباكو"])
def test_baku_with_prefixes(classifier: Classifier, text: str) -> None:
    assert "باكو" in keywords_hit(classifier, text)


@pytest.mark.parametrize("text", ["الباكورة", "باكورة الإنتاج", "ملاباكو"])
def test_no_match_inside_an_unrelated_word(classifier: Classifier, text: str) -> None:
    assert "باكو" not in keywords_hit(classifier, text)


def test_article_keyword_needs_the_article(classifier: Classifier) -> None:
    assert "الكرملين" in keywords_hit(classifier, "وللكرملين موقف")
    assert "الكرملين" in keywords_hit(classifier, "قال الكرملين")


def test_multiword_keyword_and_spacing(classifier: Classifier) -> None:
    assert {"قره باغ", "قرة باغ"} & keywords_hit(classifier, "إقليم قرة باغ")
    assert "قرهباغ" in keywords_hit(classifier, "قرهباغ")


def test_english_keywords_match_whole_words(classifier: Classifier) -> None:
    assert "Baku" in keywords_hit(classifier, "talks in Baku today")
    assert "Armenia*" in keywords_hit(classifier, "Armenians and Armenia's PM")
    assert "Baku" not in keywords_hit(classifier, "bakugan toys")


def test_headline_weighs_more_than_body(classifier: Classifier) -> None:
    in_title = classifier.classify("قمة في باكو", "")
    in_body = classifier.classify("قمة", "قمة في باكو")
    assert in_title.scores.get("south_caucasus", 0) > in_body.scores.get("south_caucasus", 0)


def test_one_passing_mention_is_below_the_threshold(classifier: Classifier) -> None:
    result = classifier.classify("نتائج الدوري", "سافر الفريق عبر باكو إلى المباراة في الدوري")
    assert "south_caucasus" not in result.topics


def test_seed_article_is_south_caucasus_and_russia_not_sports(classifier: Classifier) -> None:
    title, body = seed_article()
    topics = classifier.classify(title, body).topics
    assert "south_caucasus" in topics
    assert "russia" in topics
    assert "sports" not in topics
    assert topics[0] == "south_caucasus"


def test_find_topic_by_id_or_name(catalog: Catalog) -> None:
    assert catalog.find("south_caucasus") is catalog["south_caucasus"]
    assert catalog.find("جنوب القوقاز") is catalog["south_caucasus"]
    assert catalog.find("South Caucasus") is catalog["south_caucasus"]
    assert catalog.find("الرياضه") is catalog["sports"]  # typed with ه for ة
    assert catalog.find("sport-ish") is None
