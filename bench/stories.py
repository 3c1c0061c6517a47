"""Filing articles into stories against classifying them, on the same 5,000 articles.

    python bench/stories.py [--articles 5000] [--batch 50] [--rounds 3]

The articles are built from the development story set and the topic corpus (tests/corpus):
each event is one of their event groups or articles, told by one to five outlets (an
item's headline and lead, with a word left out now and then). When a source comes back
it is another event: the people, places and countries it names are swapped for others
of the entity layer, the same ones in all of the event's articles, and an invented name
is added to its headlines. The articles are published over five days, about a thousand
a day, so the 36-hour window always holds plenty of news. Each has a body of several
other leads (200 to 3,000 characters) for classification. Seeded: every run reads the
same text.

- classify: `Classifier.classify(title, body)` for each article, the ingestion stage
  before filing;
- file: a fresh `StoryIndex` files them online, by publication, in batches (as each
  ingestion pass does), headline and lead only, as stored.

Each timing is the best of several rounds, interleaved, so a busy machine slows both
alike. Targets: filing costs less than classifying, and at most 3 ms an article.
`python bench/instructions.py stories` counts the same ratio in instructions.

Measured here (December 2026, issue 11), both compiled. Seventh session: file / classify
0.93 in time in the median (0.86 to 1.04, 13 runs alternated with the build before, which
gave 1.13 to 1.32, median 1.17; 0.032 to 0.047 ms an article to file), 0.68 in instructions
(142,000 an article against 208,700) and 0.75 in estimated cycles with the cache model
(`bench/instructions.py stories --cache`: 205,300 against 275,300). Fifth session: file / classify
0.93 in instructions on the first 1,000 articles (`--articles 1000`: 192,900 an article to
file, 207,600 to classify); in time, nine runs alternated with the build before at load
0.7-1, 1.11 to 1.44, median 1.16 (0.041 to 0.074 ms an article to file, 0.036 to 0.065 ms
to classify), where the build before gave 1.44 to 1.99, median 1.79 (0.065 to 0.108 ms to
file). Filing is bound by memory: its instructions fell below classification's while its
time did not. Sixth session, unchanged code, load 0.5: 1.05 to 1.33 in time (eight runs,
median 1.21); with Debian's python3.11 (built with PGO and LTO, as the production image's
CPython is; this machine's pyenv build has neither) alternated with those runs, 1.04 to 1.31,
median 1.17: the interpreter speeds both alike. Huge pages for the automaton and the heap
made both faster too, the ratio no lower. Fourth session's end: 1.11 in instructions
(241,000 / 218,000), 1.42 to 1.91 in time (0.078 to 0.090 ms / 0.047 to 0.057 ms); its
start: 1.75 (663,000 / 378,000) and 1.74 in time (0.150 / 0.086 ms). Earlier: 1.90 in
instructions (0.70 million an article to file, 0.37 million to classify); 2.31 with filing
still plain Python (0.85 million), against classification compiled; before classification
was compiled, 1.29 (0.85 / 0.66 million), 2.07 before that.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tomllib
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.catalog import Catalog  # noqa: E402
from bot.core.cluster import StoryDoc, StoryIndex  # noqa: E402
from bot.core.entities import Entities, as_written, load_entities  # noqa: E402
from bot.core.topics import Classifier  # noqa: E402
from tests.corpus import evaluate, stories  # noqa: E402
from tests.paths import TEMPLATES  # noqa: E402

Article = tuple[StoryDoc, str]  # what filing reads, and the body classification reads too
_SYLLABLES = ("كا", "را", "مو", "لي", "زان", "فو", "تير", "يش", "بور", "ني", "غور", "ستان")


def sources() -> list[list[tuple[str, str]]]:
    """Event groups: (headline, lead) as outlets told them."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item in stories.load(stories.DEV):
        groups[item.group].append((item.title, item.text))
    singles = [[(a.title, a.text.split("\n")[0][:400])] for a in evaluate.load()]
    return [*groups.values(), *singles]


def retold(title: str, rng: random.Random) -> str:
    words = title.split()
    if len(words) > 4 and rng.random() < 0.5:
        del words[rng.randrange(len(words))]
    return " ".join(words)


def spellings() -> dict[str, list[tuple[str, str]]]:
    """(Arabic, English) names of the entity layer's countries, places and people."""
    with (TEMPLATES / "entities.toml").open("rb") as f:
        data = tomllib.load(f)
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for kind, key in (("country", "ar"), ("place", "names"), ("person", "names")):
        for fields in data[kind].values():
            names = fields[key].split("|") + fields.get("en", "").split("|")
            arabic = [n for n in names if n and not n.isascii()]
            latin = [n for n in names if n and n.isascii()]
            if arabic and latin:
                found[kind].append((arabic[0], latin[0]))
    return found


def swapped(
    text: str, entities: Entities, names: dict[str, list[tuple[str, str]]], event: dict[str, str]
) -> str:
    """The text with each country, place and person it names replaced by the event's."""
    for mention in entities.find(text):
        kind = mention.entity.kind
        if kind not in names or mention.entity.id.count("/"):
            continue
        key = f"{kind}:{mention.entity.id}"
        if key not in event:
            event[key] = "|".join(
                random.Random(f"{key}{len(event)}{event['#']}").choice(names[kind])
            )
        arabic, latin = event[key].split("|")
        text = text.replace(as_written(text, mention), latin if text.isascii() else arabic, 1)
    return text


def articles(count: int, rng: random.Random) -> list[Article]:
    groups = sources()
    entities = load_entities()
    names = spellings()
    leads = [lead for group in groups for _, lead in group]
    start = stories.load(stories.DEV)[0].published
    step = timedelta(days=5) / count
    out: list[Article] = []
    order: list[int] = []
    told: set[int] = set()
    while len(out) < count:
        if not order:
            order = rng.sample(range(len(groups)), len(groups))
        number = order.pop()
        group = groups[number]
        event = {"#": str(len(out))}
        name = "".join(rng.choice(_SYLLABLES) for _ in range(3)) if number in told else ""
        told.add(number)
        for _ in range(rng.randint(1, 5)):
            title, lead = rng.choice(group)
            if name:
                title = f"{swapped(title, entities, names, event)} {name}"
                lead = swapped(lead, entities, names, event)
            n = len(out)
            published = start + step * n + timedelta(minutes=rng.uniform(0, 90))
            doc = StoryDoc(n + 1, retold(title, rng), lead, published)
            body = "\n\n".join([lead, *(rng.choice(leads) for _ in range(rng.randint(0, 12)))])
            out.append((doc, body))
    return out[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    classifier = Classifier(Catalog.load(TEMPLATES / "topics.toml"))
    entities = load_entities()
    built = time.perf_counter() - started
    batch = articles(args.articles, random.Random(2026))

    def classify() -> None:
        for doc, body in batch:
            classifier.classify(doc.title, body)

    stories: dict[int, int] = {}

    def file() -> None:
        index = StoryIndex(entities)
        docs = sorted((doc for doc, _ in batch), key=lambda d: d.id)
        for at in range(0, len(docs), args.batch):
            stories.update(index.assign(docs[at : at + args.batch]))

    best = {"classify": float("inf"), "file": float("inf")}
    for _ in range(args.rounds):
        for name, job in (("classify", classify), ("file", file)):
            started = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - started)

    n = len(batch)
    chars = sum(len(doc.title) + len(body) for doc, body in batch) / n
    lead = sum(len(doc.title) + len(doc.lead) for doc, _ in batch) / n
    print(
        f"{n} articles over 5 days, {chars:,.0f} characters each on average ({lead:.0f} in"
        f" headline and lead); batches of {args.batch}; best of {args.rounds}"
    )
    print(f"catalog and entity layer compiled in {built:.1f} s (once per process)")
    includes = {
        "classify": "Classifier.classify(title, body): normalizing both, scan, score, rules",
        "file": "StoryIndex.assign of headline and lead: normalizing, entities, words,"
        " numbers, the stories compared, the complete-link check, the index updated",
    }
    for name, seconds in best.items():
        print(
            f"  {name:<9} {n / seconds:>9,.0f} articles/s  {seconds * 1e3 / n:>7.3f} ms/article"
            f"  ({includes[name]})"
        )
    ratio = best["file"] / best["classify"]
    per_article = best["file"] * 1e3 / n
    print(f"{len(set(stories.values()))} stories")
    print(f"file / classify:      {ratio:.2f}   (target < 1)")
    print(f"filing per article:   {per_article:.3f} ms   (target ≤ 3 ms)")
    return 0 if ratio < 1 and per_article <= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
