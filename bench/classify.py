"""Classification speed against normalization alone, on the same 2,000 articles.

    python bench/classify.py [--articles 2000] [--rounds 5]

Prints articles per second for normalization only (title and text through
`normalize`), for `Classifier.classify` with the catalog at its real size, and
again with 5,000 extra keywords, with the two ratios the topic engine is held
to: classify / normalize under 3, and the extra keywords costing under 25% more.

The articles are built from the labelled corpus (tests/corpus) and the seed
article: each has a corpus headline and a body of several corpus leads (now and
then the seed article's body), 200 to 5,000 characters, seeded so every run
reads the same text. Each timing (wall-clock, or with --cpu the process's CPU time,
which leaves out the time spent waiting for a core) is the best of several rounds, interleaved,
so a busy machine slows all three alike — yet a short job finds a quiet moment more
easily than a long one, so on a loaded machine the ratio comes out too high:
`python bench/instructions.py classify` counts the same ratio in instructions.

Classification's hot path is compiled by Cython where setup.py's extensions are
built (`make` does it; in a checkout run from its folder, `python setup.py build_ext
--inplace`); uncompiled it runs as plain Python, several times slower. The first line
printed says which ran. Baseline, plain Python (issue 11): 9.1x in time, 4.43x in
instructions; compiled, before the fused tally (bot/core/tally.py): 4.9-5.0x in time on a
quiet machine, 2.54x in instructions; with it: 1.46x in instructions, and in time see
README.md, "Quality". The automaton's scan is now over half of classifying and is bound
by the memory cache: what else the machine runs raises the time ratio (--chunk and --cpu
take some of that out), never the instructions.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core import topics  # noqa: E402
from bot.core.catalog import Catalog, Topic  # noqa: E402
from bot.core.normalize import normalize  # noqa: E402
from bot.core.topics import Classifier  # noqa: E402
from tests.corpus.evaluate import load  # noqa: E402
from tests.paths import TEMPLATES, seed_article  # noqa: E402

Article = tuple[str, str]

_AR_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_SYLLABLES = ("ka", "ra", "mo", "li", "zan", "vo", "ter", "esh", "bur", "ni", "gor", "stan")


def articles(count: int, rng: random.Random) -> list[Article]:
    corpus = load()
    _, seed_body = seed_article()
    out = []
    for _ in range(count):
        head = rng.choice(corpus)
        leads = [rng.choice(corpus).text for _ in range(rng.randint(1, 12))]
        if rng.random() < 0.1:
            leads.append(seed_body)
        out.append((head.title, "\n\n".join([head.text, *leads])))
    return out


def extra_keywords(count: int, rng: random.Random, *, occurring: float = 0.01) -> list[str]:
    """Names a reader might follow: invented Arabic and Latin names, and a share
    (`occurring`) of words that do occur in the articles, as a followed كورسك would."""
    vocabulary = sorted(
        {w for a in load() for w in re.findall(r"[\u0621-\u064a]{5,}", a.title + " " + a.text)}
    )
    keywords: set[str] = set(rng.sample(vocabulary, int(count * occurring)))
    while len(keywords) < count:
        if rng.random() < 0.55:
            keyword = "".join(rng.choice(_AR_LETTERS) for _ in range(rng.randint(4, 8)))
            if rng.random() < 0.2:
                keyword += " " + "".join(rng.choice(_AR_LETTERS) for _ in range(rng.randint(3, 6)))
        else:
            keyword = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).title()
        keywords.add(keyword + ("*" if rng.random() < 0.3 else ""))
    return sorted(keywords)


def best_of(
    rounds: int,
    jobs: dict[str, Callable[[list[Article]], None]],
    texts: list[Article],
    clock: Callable[[], float] = time.perf_counter,
    chunk: int = 0,
) -> dict[str, float]:
    """Per job, the best of `rounds` timings over `texts`; with `chunk`, the sum over
    chunks of that many articles of each chunk's best, the jobs taking turns chunk by
    chunk (so a few milliseconds apart, the load alike for all)."""
    parts = [texts[at : at + chunk] for at in range(0, len(texts), chunk)] if chunk else [texts]
    best = {name: [float("inf")] * len(parts) for name in jobs}
    for _ in range(rounds):
        for n, part in enumerate(parts):
            for name, job in jobs.items():
                start = clock()
                job(part)
                best[name][n] = min(best[name][n], clock() - start)
    return {name: sum(times) for name, times in best.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--extra", type=int, default=5000, help="extra keywords")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--chunk",
        type=int,
        default=0,
        help="take turns every this many articles and add up each chunk's best time "
        "(a shared machine's load then weighs on the three jobs alike); 0: whole runs",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time in CPU seconds of this process, not wall-clock: on a loaded machine the "
        "time spent waiting for a core is left out (other processes still share the caches)",
    )
    args = parser.parse_args()

    rng = random.Random(2026)
    texts = articles(args.articles, rng)
    catalog = Catalog.load(TEMPLATES / "topics.toml")
    extra = Topic(
        "extra", "➕", {"ar": "إضافي", "en": "extra"}, tuple(extra_keywords(args.extra, rng))
    )

    start = time.perf_counter()
    real = Classifier(catalog)
    build_real = time.perf_counter() - start
    start = time.perf_counter()
    bigger = Classifier(Catalog([*catalog.topics, extra]))
    build_bigger = time.perf_counter() - start

    def normalize_all(part: list[Article]) -> None:
        for title, text in part:
            normalize(title)
            normalize(text)

    def classify_with(classifier: Classifier) -> Callable[[list[Article]], None]:
        def run(part: list[Article]) -> None:
            for title, text in part:
                classifier.classify(title, text)

        return run

    timings = best_of(
        args.rounds,
        {
            "normalize": normalize_all,
            "classify": classify_with(real),
            "classify+extra": classify_with(bigger),
        },
        texts,
        time.process_time if args.cpu else time.perf_counter,
        args.chunk,
    )
    chars = sum(len(t) + len(x) for t, x in texts)
    n = len(texts)
    compiled = not (topics.__file__ or "").endswith(".py")
    print(f"classification: {'compiled (Cython)' if compiled else 'plain Python (not built)'}")
    print(
        f"{n} articles, {chars / n:,.0f} characters each on average; best of {args.rounds}"
        f"{f' per chunk of {args.chunk}' if args.chunk else ''}"
        f" ({'CPU time' if args.cpu else 'wall-clock'})"
    )
    print(
        f"catalog: {len(real.keywords)} spellings ({build_real * 1000:.0f} ms to build); "
        f"with {args.extra} extra ({args.extra // 100} of them words the articles contain): "
        f"{len(bigger.keywords)} ({build_bigger * 1000:.0f} ms)"
    )
    includes = {
        "normalize": "normalize(title), normalize(text)",
        "classify": "Classifier.classify(title, text): normalizing both, scan, score, rules",
        "classify+extra": "the same, the catalog with the extra keywords",
    }
    for name, seconds in timings.items():
        print(
            f"  {name:<15} {n / seconds:>9,.0f} articles/s  {seconds * 1e6 / n:>7.1f} µs/article"
            f"  ({includes[name]})"
        )
    ratio = timings["classify"] / timings["normalize"]
    extra_cost = timings["classify+extra"] / timings["classify"] - 1
    print(f"classify / normalize:           {ratio:.2f}   (target < 3)")
    print(f"cost of {args.extra} extra keywords: {extra_cost:+.1%}  (target < +25%)")
    return 0 if ratio < 3 and extra_cost < 0.25 else 1


if __name__ == "__main__":
    sys.exit(main())
