"""How well articles are filed into stories, on the development and the blind story sets.

    python -m tests.corpus.evaluate          # topics, then this
    python -m tests.corpus.stories [--errors] [--set dev]

Each set (dev/stories.jsonl, blind/stories.jsonl) is one article a line: id, group (the
event), lang, published, source, title, text. Articles are filed the way ingestion files
them: in order of publication, in batches of BATCH, each against the stories filed before.

Scores are B-cubed precision, recall and F1 (per article: the share of its predicted story
that is its event, and of its event that is in its predicted story; averaged). Beside ours:
- a plain baseline, character 3–5-grams TF-IDF with single link over the whole set, its
  threshold chosen on the development set in this same run;
- every article alone (precision 1).
"Cross-language" is the share of (English, Arabic) pairs of one event filed together.

The blind set is scored, never inspected: `--errors` lists the development set's only.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.cluster import MODEL, Model, StoryDoc, StoryIndex
from bot.core.normalize import normalize

HERE = Path(__file__).parent
DEV = HERE / "dev" / "stories.jsonl"
BLIND = HERE / "blind" / "stories.jsonl"
BATCH = 20
BASELINE_THRESHOLDS = [round(0.05 * n, 2) for n in range(2, 19)]


@dataclass(frozen=True)
class Item:
    id: str
    group: str
    lang: str
    published: datetime
    source: str
    title: str
    text: str


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    cross_language: float  # share of (en, ar) same-event pairs filed together

    def row(self, name: str) -> str:
        return (
            f"  {name:<28}{self.precision:>7.3f}{self.recall:>7.3f}{self.f1:>7.3f}"
            f"{self.cross_language:>9.2f}"
        )


def load(path: Path) -> list[Item]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            published = datetime.fromisoformat(raw["published"].replace("Z", "+00:00"))
            items.append(
                Item(
                    raw["id"],
                    raw["group"],
                    raw["lang"],
                    published,
                    raw["source"],
                    raw["title"],
                    raw["text"],
                )
            )
    return sorted(items, key=lambda i: (i.published, i.id))


def score(items: Sequence[Item], predicted: Mapping[str, int]) -> Score:
    """B-cubed precision/recall/F1 of `predicted` (item id -> story) against the groups."""
    by_story: dict[int, list[Item]] = defaultdict(list)
    by_group: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_story[predicted[item.id]].append(item)
        by_group[item.group].append(item)
    precision = recall = 0.0
    for item in items:
        story = by_story[predicted[item.id]]
        same = sum(other.group == item.group for other in story)
        precision += same / len(story)
        recall += same / len(by_group[item.group])
    precision, recall = precision / len(items), recall / len(items)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pairs = joined = 0
    for members in by_group.values():
        for en in (m for m in members if m.lang != "ar"):
            for ar in (m for m in members if m.lang == "ar"):
                pairs += 1
                joined += predicted[en.id] == predicted[ar.id]
    return Score(precision, recall, f1, joined / pairs if pairs else 1.0)


def doc(number: int, item: Item) -> StoryDoc:
    return StoryDoc(id=number, title=item.title, lead=item.text, published_at=item.published)


def file_online(items: Sequence[Item], index: StoryIndex | None = None) -> dict[str, int]:
    """Story of each item, filed as ingestion files: by publication, in batches."""
    index = StoryIndex() if index is None else index
    numbers = {item.id: n for n, item in enumerate(items, start=1)}
    story: dict[str, int] = {}
    for start in range(0, len(items), BATCH):
        batch = items[start : start + BATCH]
        assigned = index.assign([doc(numbers[i.id], i) for i in batch])
        story.update((i.id, assigned[numbers[i.id]]) for i in batch)
    return story


def each_alone(items: Sequence[Item]) -> dict[str, int]:
    return {item.id: n for n, item in enumerate(items)}


# --- fitting the model on the development set -------------------------------------------


def training_pairs(items: Sequence[Item]) -> tuple[list[list[float]], list[int]]:
    """Each article against the stories it is compared with when every earlier article is
    filed under its true event: the parts, and whether the story is its event."""
    index = StoryIndex()
    first: dict[str, int] = {}
    rows: list[list[float]] = []
    labels: list[int] = []
    for number, item in enumerate(items, start=1):
        story = first.setdefault(item.group, number)
        for candidate in index.replay(doc(number, item), story):
            if candidate.conflict is None:
                rows.append(candidate.parts.vector())
                labels.append(int(candidate.story_id == story))
    return rows, labels


def fit(rows: Sequence[Sequence[float]], labels: Sequence[int], *, l2: float = 0.01) -> Model:
    """Logistic regression by batch gradient descent: few features, a few hundred rows."""
    weights = [0.0] * len(rows[0])
    bias, rate = 0.0, 0.5
    for _ in range(1500):
        gradient, gradient_bias = [0.0] * len(weights), 0.0
        for row, label in zip(rows, labels, strict=True):
            z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
            error = 1 / (1 + math.exp(-max(-30.0, min(30.0, z)))) - label
            gradient = [g + error * x for g, x in zip(gradient, row, strict=True)]
            gradient_bias += error
        weights = [
            w - rate * (g / len(rows) + l2 * w) for w, g in zip(weights, gradient, strict=True)
        ]
        bias -= rate * gradient_bias / len(rows)
    return Model(round(bias, 2), *(round(w, 2) for w in weights))


# --- the baseline: character 3–5-grams, TF-IDF, single link ------------------------------


def _char_grams(text: str) -> Counter[str]:
    padded = f" {normalize(text)} "
    return Counter(padded[i : i + n] for n in (3, 4, 5) for i in range(len(padded) - n + 1))


def baseline_similarities(items: Sequence[Item]) -> list[tuple[float, int, int]]:
    """Cosine of every pair of items over TF-IDF weighted character 3–5-grams."""
    bags = [_char_grams(f"{i.title} {i.text}") for i in items]
    df = Counter(g for bag in bags for g in bag)
    n = len(items)
    vectors = []
    for bag in bags:
        weights = {g: (1 + math.log(c)) * math.log((1 + n) / (1 + df[g])) for g, c in bag.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({g: w / norm for g, w in weights.items()})
    pairs = []
    for a in range(n):
        va = vectors[a]
        for b in range(a + 1, n):
            vb = vectors[b]
            small, big = (va, vb) if len(va) < len(vb) else (vb, va)
            pairs.append((sum(w * big.get(g, 0.0) for g, w in small.items()), a, b))
    return pairs


def single_link(
    items: Sequence[Item], pairs: Iterable[tuple[float, int, int]], threshold: float
) -> dict[str, int]:
    parent = list(range(len(items)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for similarity, a, b in pairs:
        if similarity >= threshold:
            parent[find(a)] = find(b)
    return {item.id: find(n) for n, item in enumerate(items)}


def best_baseline_threshold(items: Sequence[Item]) -> float:
    pairs = baseline_similarities(items)
    return max(BASELINE_THRESHOLDS, key=lambda t: score(items, single_link(items, pairs, t)).f1)


# --- the report -------------------------------------------------------------------------


def report(
    sets: Mapping[str, Path] | None = None,
    filer: Callable[[Sequence[Item]], dict[str, int]] = file_online,
) -> str:
    sets = sets or {"development": DEV, "blind": BLIND}
    loaded = {name: load(path) for name, path in sets.items() if path.exists()}
    dev = loaded.get("development")
    threshold = best_baseline_threshold(dev) if dev else 0.3
    lines = [
        "stories (B-cubed; articles filed by publication time, batches of "
        f"{BATCH}; cross-language: English–Arabic pairs of one event joined)"
    ]
    for name, items in loaded.items():
        groups = len({i.group for i in items})
        lines.append(f"{name}: {len(items)} articles, {groups} events")
        lines.append(f"  {'':<28}{'P':>7}{'R':>7}{'F1':>7}{'cross':>9}")
        lines.append(score(items, filer(items)).row("mujaz"))
        pairs = baseline_similarities(items)
        baseline = score(items, single_link(items, pairs, threshold))
        lines.append(baseline.row(f"char 3-5-gram single link {threshold:.2f}"))
        lines.append(score(items, each_alone(items)).row("every article alone"))
    return "\n".join(lines)


def errors(items: Sequence[Item], predicted: Mapping[str, int]) -> str:
    """The development set's split events and wrong merges, with headlines."""
    by_story: dict[int, list[Item]] = defaultdict(list)
    by_group: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_story[predicted[item.id]].append(item)
        by_group[item.group].append(item)
    lines = ["merged:"]
    for story, members in sorted(by_story.items()):
        if len({m.group for m in members}) > 1:
            lines.append(f"  story {story}")
            lines += [f"    {m.group} {m.id} {m.lang} {m.title}" for m in members]
    lines.append("split:")
    for group, members in sorted(by_group.items()):
        if len({predicted[m.id] for m in members}) > 1:
            lines.append(f"  {group}")
            lines += [f"    {predicted[m.id]:>4} {m.id} {m.lang} {m.title}" for m in members]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="the dev set's wrong stories")
    parser.add_argument("--set", choices=("dev", "both"), default="both")
    parser.add_argument("--fit", action="store_true", help="fit the model on the dev set")
    args = parser.parse_args(argv)
    if args.fit:
        rows, labels = training_pairs(load(DEV))
        print(f"{len(rows)} comparisons, {sum(labels)} of an article with its own event")
        print(f"fitted:  {fit(rows, labels)}\nin use:  {MODEL}")
        return 0
    sets = {"development": DEV} if args.set == "dev" else None
    print(report(sets))
    if args.errors:
        items = load(DEV)
        print(errors(items, file_online(items)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
