"""The two cost ratios of bench/classify.py and bench/stories.py, counted in CPU
instructions under valgrind (callgrind) rather than timed: a busy machine does not move
them, so a before/after comparison holds to a fraction of a percent.

    python bench/instructions.py classify [--articles 400]   # classify / normalize
    python bench/instructions.py stories [--articles 5000]   # file / classify
    python bench/instructions.py stories --cache [--articles 1000]   # and cache misses

Each runs the same work as its benchmark, on the same seeded articles, once, inside
valgrind (about 50 times slower than native: minutes). Only the measured jobs are
counted: a small C helper, compiled here with gcc, switches callgrind's counting on
around each job and dumps its count. Needs valgrind (with its headers) and gcc.

- classify: `normalize` of each article's title and text; `Classifier.classify(title,
  text)` of each (which normalizes them itself);
- stories: `Classifier.classify(title, body)` of each article; a fresh `StoryIndex`
  filing them all by publication in batches of 50 (headline and lead, as stored).

Instructions are not time where the work is bound by memory, as filing is. `--cache` adds
callgrind's cache model, the same on every machine (32 KB first-level caches and a 2 MB
last level, about one core's share of a busy server's), and prints the misses an article
and an estimate of cycles: instructions, 10 for each first-level miss, 100 for each
last-level one (cachegrind's own rough weights). It runs about twice as slowly.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import random
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_HELPER = r"""
#include <valgrind/callgrind.h>
void measure(void (*job)(void), const char *name) {
    CALLGRIND_ZERO_STATS;
    CALLGRIND_TOGGLE_COLLECT;
    job();
    CALLGRIND_TOGGLE_COLLECT;
    CALLGRIND_DUMP_STATS_AT(name);
}
"""
_JOB = ctypes.CFUNCTYPE(None)


def _helper(folder: Path) -> ctypes.CDLL:
    source, library = folder / "measure.c", folder / "measure.so"
    source.write_text(_HELPER)
    subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", library, source], check=True)
    return ctypes.CDLL(str(library))


def _classify_jobs(count: int) -> dict[str, Callable[[], None]]:
    from bench.classify import articles
    from bot.core.catalog import Catalog
    from bot.core.normalize import normalize
    from bot.core.topics import Classifier
    from tests.paths import TEMPLATES

    texts = articles(count, random.Random(2026))
    classifier = Classifier(Catalog.load(TEMPLATES / "topics.toml"))

    def normalize_all() -> None:
        for title, text in texts:
            normalize(title)
            normalize(text)

    def classify_all() -> None:
        for title, text in texts:
            classifier.classify(title, text)

    return {"normalize": normalize_all, "classify": classify_all}


def _stories_jobs(count: int) -> dict[str, Callable[[], None]]:
    from bench.stories import articles
    from bot.core.catalog import Catalog
    from bot.core.cluster import StoryIndex
    from bot.core.entities import load_entities
    from bot.core.topics import Classifier
    from tests.paths import TEMPLATES

    classifier = Classifier(Catalog.load(TEMPLATES / "topics.toml"))
    entities = load_entities()
    batch = articles(count, random.Random(2026))

    def classify() -> None:
        for doc, body in batch:
            classifier.classify(doc.title, body)

    def file() -> None:
        index = StoryIndex(entities)
        docs = sorted((doc for doc, _ in batch), key=lambda d: d.id)
        for at in range(0, len(docs), 50):
            index.assign(docs[at : at + 50])

    return {"classify": classify, "file": file}


def inner(bench: str, count: int, folder: Path) -> None:
    """Inside valgrind: run each job once between the helper's switches."""
    measure = _helper(folder)
    jobs = (_classify_jobs if bench == "classify" else _stories_jobs)(count)
    for name, job in jobs.items():
        callback = _JOB(job)
        measure.measure(callback, name.encode())


_CACHE_MODEL = (
    "--cache-sim=yes",
    "--I1=32768,8,64",
    "--D1=32768,8,64",
    "--LL=2097152,16,64",
)


def _cycles(found: dict[str, int]) -> int:
    """Cachegrind's rough estimate: an instruction a cycle, 10 a first-level miss, 100 a
    last-level one."""
    first = found["I1mr"] + found["D1mr"] + found["D1mw"]
    last = found["ILmr"] + found["DLmr"] + found["DLmw"]
    return found["Ir"] + 10 * first + 100 * last


def _print_misses(events: dict[str, dict[str, int]], count: int) -> None:
    print("cache misses per article (32 KB first level, 2 MB last level):")
    print(f"  {'':<10} {'I1':>7} {'D1 read':>8} {'D1 write':>8} {'LL read':>8} {'LL write':>8}")
    for name, found in events.items():
        i1, d1r, d1w = (found[k] / count for k in ("I1mr", "D1mr", "D1mw"))
        llr, llw = ((found["ILmr"] + found["DLmr"]) / count, found["DLmw"] / count)
        print(f"  {name:<10} {i1:>7,.0f} {d1r:>8,.0f} {d1w:>8,.0f} {llr:>8,.0f} {llw:>8,.0f}")
    cycles = {name: _cycles(found) for name, found in events.items()}
    for name, estimate in cycles.items():
        print(f"  {name:<10} about {estimate / count:>12,.0f} cycles an article")
    jobs = list(cycles)  # the baseline first, the measured job last
    first, second = jobs[-1], jobs[0]
    print(f"{first} / {second} in estimated cycles: {cycles[first] / cycles[second]:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", choices=("classify", "stories"))
    parser.add_argument("--articles", type=int)
    parser.add_argument("--cache", action="store_true", help="simulate the caches as well")
    parser.add_argument("--inner", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    count = args.articles or (400 if args.bench == "classify" else 5000)
    if args.inner:
        inner(args.bench, count, args.inner)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            *(_CACHE_MODEL if args.cache else ()),
            f"--callgrind-out-file={folder}/out.%p",
            sys.executable,
            __file__,
            args.bench,
            "--articles",
            str(count),
            "--inner",
            folder,
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
        subprocess.run(command, check=True, env=env, stderr=subprocess.DEVNULL)
        events: dict[str, dict[str, int]] = {}
        for dump in sorted(Path(folder).glob("out.*")):
            text = dump.read_text(errors="replace")
            trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
            names = re.search(r"^events: (.+)$", text, re.M)
            total = re.search(r"^(?:summary|totals): ([\d ]+)$", text, re.M)
            if trigger and names and total:
                values = [int(v) for v in total[1].split()]
                events[trigger[1]] = dict(zip(names[1].split(), values, strict=False))
    counts = {name: found["Ir"] for name, found in events.items()}
    print(f"{count} articles (bench/{args.bench}.py's), instructions under callgrind:")
    for name, instructions in counts.items():
        print(f"  {name:<10} {instructions:>16,}   {instructions / count:>12,.0f} per article")
    if args.cache:
        _print_misses(events, count)
    if args.bench == "classify":
        print(
            f"classify / normalize: {counts['classify'] / counts['normalize']:.2f}   (target < 3)"
        )
    else:
        print(f"file / classify:      {counts['file'] / counts['classify']:.2f}   (target < 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
