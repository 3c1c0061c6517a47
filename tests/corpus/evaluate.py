"""Precision, recall and F1 of the classifier on the hand-labelled corpus.

    python -m tests.corpus.evaluate            # the table, then stories (tests/corpus/stories.py)
    python -m tests.corpus.evaluate --errors   # and every wrong label, with its evidence

The corpus (articles.jsonl, one article a line: id, topics, title, text) is
labelled by hand to the topic definitions in README.md, not to what the
classifier says; tests/core/test_topic_corpus.py holds the floors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.topics import Catalog, Classifier
from tests.corpus import stories

CORPUS = Path(__file__).with_name("articles.jsonl")
CATALOG = Path(__file__).resolve().parents[2] / "templates" / "topics.toml"


@dataclass(frozen=True)
class Article:
    id: str
    topics: frozenset[str]
    title: str
    text: str


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    per_topic: dict[str, Counts]
    micro: Counts
    errors: list[tuple[Article, frozenset[str]]] = field(default_factory=list)

    @property
    def macro_f1(self) -> float:
        return sum(c.f1 for c in self.per_topic.values()) / len(self.per_topic)


def load(path: Path = CORPUS) -> list[Article]:
    articles = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            articles.append(Article(raw["id"], frozenset(raw["topics"]), raw["title"], raw["text"]))
    return articles


def evaluate(classifier: Classifier, articles: Iterable[Article]) -> Report:
    per_topic = {topic_id: Counts() for topic_id in classifier.catalog.ids()}
    micro = Counts()
    report = Report(per_topic, micro)
    for article in articles:
        got = frozenset(classifier.classify(article.title, article.text).topics)
        for topic_id, counts in per_topic.items():
            expected, predicted = topic_id in article.topics, topic_id in got
            counts.tp += expected and predicted
            counts.fp += predicted and not expected
            counts.fn += expected and not predicted
        if got != article.topics:
            report.errors.append((article, got))
    micro.tp = sum(c.tp for c in per_topic.values())
    micro.fp = sum(c.fp for c in per_topic.values())
    micro.fn = sum(c.fn for c in per_topic.values())
    return report


def format_report(report: Report, articles: int) -> str:
    lines = [
        f"{articles} articles",
        f"{'topic':<16}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>5}{'FN':>5}",
    ]
    rows = [*report.per_topic.items(), ("micro", report.micro)]
    for name, c in rows:
        lines.append(
            f"{name:<16}{c.precision:>7.3f}{c.recall:>7.3f}{c.f1:>7.3f}{c.tp:>6}{c.fp:>5}{c.fn:>5}"
        )
    lines.append(f"{'macro F1':<16}{'':>14}{report.macro_f1:>7.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list every wrong label")
    args = parser.parse_args(argv)
    classifier = Classifier(Catalog.load(CATALOG))
    articles = load()
    report = evaluate(classifier, articles)
    print(format_report(report, len(articles)))
    if args.errors:
        for article, got in report.errors:
            missing = ", ".join(sorted(article.topics - got)) or "-"
            extra = ", ".join(sorted(got - article.topics)) or "-"
            print(f"\n{article.id}: missing {missing}; extra {extra}\n  {article.title}")
            result = classifier.classify(article.title, article.text)
            for hit in result.hits:
                if hit.keyword.topic_id in article.topics ^ got:
                    where = "title" if hit.in_title else "text"
                    print(f"    {hit.keyword.topic_id:<15} {where:<5} {hit.keyword.text}")
            print(f"    scores {result.raw}")
    print(f"\n{stories.report()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
