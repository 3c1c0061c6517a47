"""Every classification and story assignment the benchmarks and the corpora produce, to
check that a speed-up changed no result.

    python bench/same_results.py --record /tmp/before.json.gz   # on the code before
    python bench/same_results.py --check /tmp/before.json.gz    # after: exit 1 on any change

What is recorded, exactly (floats by repr):
- topics: for each article of the old, dev and blind topic sets, of bench/classify.py's
  articles (with the real catalog and with its 5,000 extra keywords) and of
  bench/stories.py's: the scores assigned, every raw score, the headline topics, the
  keyword hits that counted and those a rule set aside (what `--explain` shows), the
  phrases seen and the entries lifted as actors;
- stories: the story of every article of the dev and blind story sets (filed as
  `tests.corpus.evaluate` files them) and of bench/stories.py's 5,000 (filed as the
  benchmark files them), and the rows the model is fitted on (every comparison of
  `--fit`, with its parts and its farthest member).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import random
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.catalog import Catalog, Topic  # noqa: E402
from bot.core.cluster import StoryIndex  # noqa: E402
from bot.core.entities import load_entities  # noqa: E402
from bot.core.topics import Classification, Classifier  # noqa: E402
from tests.corpus import evaluate, stories  # noqa: E402
from tests.paths import TEMPLATES  # noqa: E402


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _classification(result: Classification) -> list[Any]:
    return [
        {t: repr(s) for t, s in sorted(result.scores.items())},
        {t: repr(s) for t, s in sorted(result.raw.items())},
        sorted(result.headline),
        [(h.keyword.id, h.in_title, h.position, h.end) for h in result.hits],
        [(i.hit.keyword.id, i.hit.in_title, i.hit.position, i.rule) for i in result.ignored],
        [(c.context.text, c.in_title, c.position, c.end) for c in result.context],
        sorted(result.actors),
    ]


def _classify_all(classifier: Classifier, texts: Iterable[tuple[str, str]]) -> list[Any]:
    return [_classification(classifier.classify(title, text)) for title, text in texts]


def record() -> dict[str, Any]:
    out: dict[str, Any] = {}
    catalog = Catalog.load(TEMPLATES / "topics.toml")
    classifier = Classifier(catalog)
    for name, path in evaluate.SETS.items():
        out[f"topics:{name}"] = _classify_all(
            classifier, ((a.title, a.text) for a in evaluate.load(path))
        )
    classify_bench = _bench("classify")
    rng = random.Random(2026)
    texts = classify_bench.articles(2000, rng)
    extra = Topic(
        "extra",
        "➕",
        {"ar": "إضافي", "en": "extra"},
        tuple(classify_bench.extra_keywords(5000, rng)),
    )
    out["topics:bench/classify"] = _classify_all(classifier, texts)
    out["topics:bench/classify+extra"] = _classify_all(
        Classifier(Catalog([*catalog.topics, extra])), texts
    )
    stories_bench = _bench("stories")
    batch = stories_bench.articles(5000, random.Random(2026))
    out["topics:bench/stories"] = _classify_all(
        classifier, ((doc.title, body) for doc, body in batch)
    )
    for name, path in (("dev", stories.DEV), ("blind", stories.BLIND)):
        filed = stories.file_online(stories.load(path))
        out[f"stories:{name}"] = sorted(filed.items())
    index = StoryIndex(load_entities())
    docs = sorted((doc for doc, _ in batch), key=lambda d: d.id)
    filed_bench: dict[int, int] = {}
    for at in range(0, len(docs), 50):
        filed_bench.update(index.assign(docs[at : at + 50]))
    out["stories:bench/stories"] = sorted(filed_bench.items())
    out["stories:fit"] = _replayed(stories.load(stories.DEV))
    return json.loads(json.dumps(out))  # tuples as lists, as read back


def _replayed(items: list[stories.Item]) -> list[Any]:
    """Every comparison `--fit` learns from, as `training_pairs` makes them."""
    index = StoryIndex()
    first: dict[str, int] = {}
    rows = []
    for number, item in enumerate(items, start=1):
        story = first.setdefault(item.group, number)
        for c in index.replay(stories.doc(number, item), story):
            rows.append(
                [
                    number,
                    c.story_id,
                    [repr(x) for x in c.parts.vector()],
                    c.conflict is not None,
                    sorted(m.entity.id for m in c.shared),
                    sorted(c.shared_numbers),
                    None if c.farthest is None else [c.farthest[0], repr(c.farthest[1])],
                ]
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--record", type=Path, help="write the results to this file")
    action.add_argument("--check", type=Path, help="compare the results with this file")
    args = parser.parse_args()
    now = record()
    if args.record:
        with gzip.open(args.record, "wt", encoding="utf-8") as f:
            json.dump(now, f, ensure_ascii=False)
        print(f"recorded {sum(len(v) for v in now.values())} results in {args.record}")
        return 0
    with gzip.open(args.check, "rt", encoding="utf-8") as f:
        before = json.load(f)
    changed = 0
    for key in sorted(before.keys() | now.keys()):
        old, new = before.get(key, []), now.get(key, [])
        diffs = [n for n, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        if len(old) != len(new) or diffs:
            changed += 1
            print(
                f"{key}: {len(diffs)} of {len(old)} differ (first: {diffs[:5]});"
                f" {len(old)} → {len(new)} results"
            )
            if diffs:
                print(f"  before: {old[diffs[0]]}\n  now:    {new[diffs[0]]}")
        else:
            print(f"{key}: {len(old)} identical")
    print("SAME" if not changed else f"CHANGED in {changed} groups")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
