"""The classifier on the hand-labelled sets (tests/corpus): floors on the two development
sets, set a little under what they reach, and one on the old corpus the catalog was first
tuned on. The blind set is scored by `python -m tests.corpus.evaluate`, never tested here."""

import re

import pytest

from bot.core.topics import Catalog, Classifier
from tests.corpus.evaluate import SETS, Article, Report, evaluate, load
from tests.paths import TEMPLATES


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Catalog.load(TEMPLATES / "topics.toml"))


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return load()


@pytest.fixture(scope="module")
def report(classifier: Classifier, articles: list[Article]) -> Report:
    return evaluate(classifier, articles)


@pytest.fixture(scope="module")
def dev_articles() -> list[Article]:
    return load(SETS["dev"])


@pytest.fixture(scope="module")
def dev(classifier: Classifier, dev_articles: list[Article]) -> Report:
    return evaluate(classifier, dev_articles)


@pytest.fixture(scope="module")
def dev2_articles() -> list[Article]:
    return load(SETS["dev2"])


@pytest.fixture(scope="module")
def dev2(classifier: Classifier, dev2_articles: list[Article]) -> Report:
    return evaluate(classifier, dev2_articles)


def test_corpus_is_large_mostly_arabic_and_labelled_with_known_topics(
    articles: list[Article], classifier: Classifier
) -> None:
    assert len(articles) >= 250
    assert len({a.id for a in articles}) == len(articles)
    arabic = sum(bool(re.search("[\u0600-\u06ff]", a.title)) for a in articles)
    assert arabic > len(articles) * 2 / 3
    assert len(articles) - arabic >= 25  # some English
    known = set(classifier.catalog.ids())
    assert all(a.topics <= known for a in articles)


def test_corpus_holds_the_hard_cases(articles: list[Article]) -> None:
    prefixes = {a.id.split("-")[0] for a in articles}
    assert {"us", "nc", "ad", "bp", "st", "ia", "qb"} <= prefixes
    sc = [a for a in articles if "south_caucasus" in a.topics]
    assert len(sc) >= 60
    assert not any("south_caucasus" in a.topics for a in articles if a.id[:3] in ("us-", "nc-"))


def test_old_corpus_floors(report: Report) -> None:
    assert report.per_topic["south_caucasus"].f1 >= 0.97
    assert report.micro.f1 >= 0.95


def test_dev_set_is_the_one_described(dev_articles: list[Article], classifier: Classifier) -> None:
    assert len(dev_articles) == 320
    assert all(a.topics <= set(classifier.catalog.ids()) for a in dev_articles)
    assert sum(a.kind.startswith("sc-neg") for a in dev_articles) >= 60


def test_dev_south_caucasus_and_micro_floors(dev: Report) -> None:
    assert dev.per_topic["south_caucasus"].f1 >= 0.97
    assert dev.micro.f1 >= 0.94
    assert dev.micro.precision >= 0.96


@pytest.mark.parametrize(
    ("topic_id", "recall", "precision"),
    [
        ("economy", 0.78, 0.90),
        ("energy", 0.95, 0.95),
        ("sports", 0.95, 0.95),
        ("technology", 0.93, 0.93),
        ("health", 0.90, 0.95),
    ],
)
def test_dev_broad_topic_floors(
    dev: Report, topic_id: str, recall: float, precision: float
) -> None:
    counts = dev.per_topic[topic_id]
    assert counts.recall >= recall and counts.precision >= precision


def test_no_false_south_caucasus_on_the_dev_hard_negatives(
    classifier: Classifier, dev_articles: list[Article]
) -> None:
    """Diaspora, homonyms, the adjective, the North Caucasus, Iran's north-west, clubs."""
    for article in dev_articles:
        if article.kind.startswith("sc-neg"):
            topics = classifier.classify(article.title, article.text).topics
            assert "south_caucasus" not in topics, article.id


def test_dev2_set_is_the_one_described(
    dev2_articles: list[Article], classifier: Classifier
) -> None:
    assert len(dev2_articles) == 260
    assert all(a.topics <= set(classifier.catalog.ids()) for a in dev2_articles)
    assert sum(a.kind.startswith("sc-neg") for a in dev2_articles) >= 90
    assert sum(a.kind == "sc-specialist" for a in dev2_articles) >= 60


def test_dev2_south_caucasus_by_specialist_names_and_micro_floors(dev2: Report) -> None:
    """Dev2 names the region mostly by places, projects and people a specialist knows."""
    south_caucasus = dev2.per_topic["south_caucasus"]
    assert south_caucasus.f1 >= 0.97 and south_caucasus.precision >= 0.98
    assert dev2.micro.f1 >= 0.92


def test_no_false_south_caucasus_on_the_dev2_hard_negatives(
    classifier: Classifier, dev2_articles: list[Article]
) -> None:
    """Diaspora, homonyms (a Colombian city, a typeface), the adjective (the Georgian era),
    the North Caucasus, Iran's north-west, passing mentions."""
    for article in dev2_articles:
        if article.kind.startswith("sc-neg"):
            topics = classifier.classify(article.title, article.text).topics
            assert "south_caucasus" not in topics, article.id


@pytest.mark.parametrize("prefix", ["us-", "nc-", "ad-00", "bp-", "ia-", "qb-"])
def test_no_false_south_caucasus_on_the_traps(
    classifier: Classifier, articles: list[Article], prefix: str
) -> None:
    """The US state, the North Caucasus, the Lebanese Armenians, Baku in passing…"""
    for article in articles:
        if article.id.startswith(prefix) and "south_caucasus" not in article.topics:
            topics = classifier.classify(article.title, article.text).topics
            assert "south_caucasus" not in topics, article.id
