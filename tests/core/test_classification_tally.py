"""The fused pass (bot.core.tally) scores as the topic engine defines scoring, keeps the
matches `Matcher.scan` finds, and one article's tally never leaks into the next."""

from __future__ import annotations

import threading

import pytest

from bot.core import tally, topics
from bot.core.normalize import normalize_padded
from bot.core.topics import Catalog, Classifier, Keyword
from tests.corpus.evaluate import SETS, load
from tests.paths import TEMPLATES


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier(Catalog.load(TEMPLATES / "topics.toml"))


def _articles() -> list[tuple[str, str]]:
    return [(a.title, a.text) for a in load(SETS["old"])]


def test_the_numbers_the_tally_writes_out_are_the_topic_engines() -> None:
    assert (tally.TITLE_PLACE, tally.BODY_PLACE) == (topics.TITLE_WEIGHT, topics.BODY_WEIGHT)
    assert tally.ACTOR_PLACE == topics.ACTOR_WEIGHT
    assert tally.ACTOR_WITHIN == topics.ACTOR_WITHIN

    def worth(mentions: int) -> float:
        return min(topics.REPEAT_BONUS * (mentions - 1), topics.REPEAT_BONUS_CAP)

    steps = [0.0, 0.0] + [worth(n) - worth(n - 1) for n in range(2, 12)]
    assert tuple(steps[: tally.REPEAT_LIMIT]) == tally.REPEAT_STEPS
    assert not any(steps[tally.REPEAT_LIMIT :])
    assert set(tally.REPEAT_STEPS[2:]) == {0.5}  # what Tally._add adds
    assert tally.ACTOR_LIFT == topics.ACTOR_WEIGHT - topics.BODY_WEIGHT == 1.0


def test_classification_matches_are_what_the_matcher_scans(classifier: Classifier) -> None:
    for title, text in _articles()[:120]:
        padded = (normalize_padded(title), normalize_padded(text))
        result = classifier.classify(title, text)
        assert result.matches == tuple(classifier._matcher.scan(p) for p in padded)


def test_hits_are_the_keyword_matches_a_rule_did_not_set_aside(classifier: Classifier) -> None:
    for title, text in _articles()[:120]:
        result = classifier.classify(title, text)
        kept = {(h.in_title, h.position) for h in result.hits}
        aside = {(i.hit.in_title, i.hit.position) for i in result.ignored}
        every = {
            (in_title, start - 1)
            for in_title, part in zip((True, False), result.matches, strict=True)
            for value, start, _ in part
            if isinstance(value, Keyword)
        }
        assert kept | aside == every and not kept & aside


def test_an_article_classified_after_another_scores_as_if_alone(
    classifier: Classifier,
) -> None:
    articles = _articles()[:60]
    alone = [Classifier(classifier.catalog).classify(t, x).raw for t, x in articles[:5]]
    for (title, text), expected in zip(articles, alone, strict=False):
        for other_title, other_text in articles[5:15]:
            classifier.classify(other_title, other_text)
        assert classifier.classify(title, text).raw == expected


def test_threads_classifying_at_once_get_their_own_results(classifier: Classifier) -> None:
    articles = _articles()[:80]
    expected = [classifier.classify(t, x).scores for t, x in articles]
    failures: list[int] = []

    def work() -> None:
        for _ in range(3):
            for n, (title, text) in enumerate(articles):
                if classifier.classify(title, text).scores != expected[n]:
                    failures.append(n)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures


def test_unpadded_normalized_text_is_refused(classifier: Classifier) -> None:
    """Offsets count from the padding space: the compiled pass reads no byte outside."""
    padded = normalize_padded("باكو")
    for title, text in ((b"", padded), (padded, padded.strip()), (padded[1:], padded)):
        with pytest.raises(ValueError):
            classifier.classify_normalized(title, text)
    assert classifier.classify_normalized(padded, padded).raw


def test_scores_are_rounded_as_round_rounds_them() -> None:
    values = [k / 256 for k in range(0, 20_000)] + [k / 8 + 1e6 for k in range(100)]
    values += [0.1 * k for k in range(500)] + [-0.0, -0.125, 1 / 3, 2.675, 1e12 + 0.125]
    for value in values:
        got = topics._round2(value)
        assert repr(got) == repr(round(value, 2)), value


def test_bytes_without_their_padding_are_refused_not_read_past(classifier: Classifier) -> None:
    """The compiled pass reads a match's neighbours without bounds checks: a text not
    padded with a space at each end, a keyword at its very edge, must not reach it."""
    edge = normalize_padded("باكو")[1:-1]  # a keyword with nothing around it
    padded = normalize_padded("باكو")
    for title, text in ((edge, padded), (padded, edge), (b"", padded), (padded, b"")):
        with pytest.raises(ValueError, match="padded"):
            classifier.classify_normalized(title, text)
    assert classifier.classify_normalized(padded, padded).scores  # padded, it counts
