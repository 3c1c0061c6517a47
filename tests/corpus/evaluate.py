"""Precision, recall and F1 of the classifier on the hand-labelled sets.

    python -m tests.corpus.evaluate                      # every set: old, dev, dev2, blind; stories
    python -m tests.corpus.evaluate --set dev --errors   # and every wrong label on dev

Three sets, one article a line (id, topics, title, text; kind on the new ones),
labelled by hand to the topic definitions in README.md, not to what the classifier
says:
- old: articles.jsonl, the first corpus, which the catalog was tuned on;
- dev: dev/topics.jsonl, for tuning;
- dev2: dev2/topics.jsonl, for tuning: 260 items written later, blind to the code, mostly
  the South Caucasus named only by specialist places and projects, and its hard negatives;
- blind: blind/topics.jsonl, never tuned on and never listed item by item (its
  errors are not printed): its scores are the honest ones.
tests/core/test_topic_corpus.py holds the floors on old, dev and dev2.
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

HERE = Path(__file__).parent
CORPUS = HERE / "articles.jsonl"
SETS = {
    "old": CORPUS,
    "dev": HERE / "dev" / "topics.jsonl",
    "dev2": HERE / "dev2" / "topics.jsonl",
    "blind": HERE / "blind" / "topics.jsonl",
}
BLIND = frozenset({"blind"})  # scored, never listed
CATALOG = Path(__file__).resolve().parents[2] / "templates" / "topics.toml"


@dataclass(frozen=True)
class Article:
    id: str
    topics: frozenset[str]
    title: str
    text: str
    kind: str = ""


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
            articles.append(
                Article(
                    raw["id"],
                    frozenset(raw["topics"]),
                    raw["title"],
                    raw["text"],
                    raw.get("kind", ""),
                )
            )
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


def format_errors(classifier: Classifier, report: Report) -> str:
    lines = []
    for article, got in report.errors:
        missing = ", ".join(sorted(article.topics - got)) or "-"
        extra = ", ".join(sorted(got - article.topics)) or "-"
        kind = f" [{article.kind}]" if article.kind else ""
        lines.append(f"\n{article.id}{kind}: missing {missing}; extra {extra}\n  {article.title}")
        result = classifier.classify(article.title, article.text)
        for hit in result.hits:
            if hit.keyword.topic_id in article.topics ^ got:
                where = "title" if hit.in_title else "text"
                lines.append(f"    {hit.keyword.topic_id:<15} {where:<5} {hit.keyword.text}")
        lines.append(f"    scores {result.raw}")
    return "\n".join(lines)


def topics_section(names: Sequence[str], *, errors: bool = False) -> str:
    """Topic scores on each named set (old, dev, blind); wrong labels of the open sets."""
    classifier = Classifier(Catalog.load(CATALOG))
    out = []
    for name in names:
        articles = load(SETS[name])
        report = evaluate(classifier, articles)
        path = SETS[name].relative_to(HERE.parents[1])
        out.append(f"== topics: {name} ({path})\n{format_report(report, len(articles))}")
        if errors and name not in BLIND:
            out.append(format_errors(classifier, report))
    return "\n\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        choices=list(SETS),
        dest="sets",
        help="score only this set (repeatable); default: all",
    )
    parser.add_argument(
        "--errors", action="store_true", help="list every wrong label (never on blind)"
    )
    args = parser.parse_args(argv)
    print(topics_section(args.sets or list(SETS), errors=args.errors))
    print()
    print(stories.report())
    return 0


if __name__ == "__main__":
    sys.exit(main())
