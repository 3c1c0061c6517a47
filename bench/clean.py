"""HTML-to-text speed against lxml's own `text_content()`, on the same markup.

    python bench/clean.py [--rounds 5] [--feeds ../shared/feeds]

The markup is what real feeds carry: every item body and title of the feed
files under `--feeds` (the saved real-world feeds and feedparser's test suite),
read through our parser (bot/ingest/parse.py) as ingestion reads them. The
baseline is `lxml.html.fromstring(markup).text_content()`: one parse and one
tree walk in C, with none of our rules (no paragraph breaks, scripts, captions
and hidden elements kept, no whitespace collapsing). `html_to_text` does that
work too, through libxml2's parser with a Python target, so it is expected to
cost a few times the baseline; the ratio printed is what to watch.

Then the hostile cases of tests/hostile/test_hostile_markup.py at 140 KB each:
html_to_text must stay in milliseconds (the old regex reading took tens of
seconds). The baseline builds a tree, and libxml2's tree builder is quadratic
in the attributes of one element: that is why html_to_text uses a target.
Each timing is the best of several rounds, interleaved, so a busy machine slows
both alike.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

import lxml.etree
import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.clean import html_to_text  # noqa: E402
from bot.ingest.parse import parse_sync  # noqa: E402
from tests.hostile.test_hostile_markup import HOSTILE  # noqa: E402

TARGET_RATIO = 5.0  # html_to_text may cost at most this many times the bare lxml reading


def feed_markup(folder: Path) -> tuple[list[str], int]:
    """Every entry's body and title (markup only) in the feed files under `folder`."""
    fragments: list[str] = []
    files = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".txt") or path.name == "LICENSE":
            continue
        try:
            parsed = parse_sync(path.read_bytes(), url="https://example.org/feed")
        except Exception:  # a file the parser refuses simply adds nothing
            continue
        files += 1
        for entry in parsed.entries:
            fragments += [m for m in (entry.content_html, entry.title_html) if "<" in m]
    return [m for m in fragments if _baseline_reads(m)], files


def _baseline_reads(markup: str) -> bool:
    try:
        lxml.html.fromstring(markup)
    except Exception:  # "Document is empty" and the like: not comparable
        return False
    return True


def lxml_text(fragments: list[str]) -> None:
    for markup in fragments:
        with contextlib.suppress(lxml.etree.ParserError):  # "Document is empty" (hostile cases)
            lxml.html.fromstring(markup).text_content()


def ours(fragments: list[str]) -> None:
    for markup in fragments:
        html_to_text(markup)


def best_of(rounds: int, jobs: dict[str, Callable[[], None]]) -> dict[str, float]:
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(rounds):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--feeds", type=Path, default=ROOT.parent / "shared" / "feeds")
    args = parser.parse_args()

    fragments, files = feed_markup(args.feeds)
    if not fragments:
        print(f"no feed markup under {args.feeds}", file=sys.stderr)
        return 2
    size = sum(len(m.encode()) for m in fragments)
    timings = best_of(
        args.rounds,
        {
            "lxml text_content": lambda: lxml_text(fragments),
            "html_to_text": lambda: ours(fragments),
        },
    )
    print(
        f"{len(fragments)} markup fragments from {files} feed files, {size / 1024:,.0f} KB, "
        f"{size / len(fragments):,.0f} bytes each on average; best of {args.rounds}"
    )
    for name, seconds in timings.items():
        print(
            f"  {name:<18} {size / seconds / 1e6:>7.1f} MB/s"
            f"  {seconds * 1e6 / len(fragments):>7.1f} µs/fragment"
        )
    ratio = timings["html_to_text"] / timings["lxml text_content"]
    print(f"html_to_text / lxml text_content: {ratio:.2f}  (target < {TARGET_RATIO:g})")

    print("hostile markup, 140 KB each:")
    worst = 0.0
    for name, make in HOSTILE.items():
        markup = [make(140_000)]
        hostile = best_of(
            args.rounds, {"lxml": lambda m=markup: lxml_text(m), "ours": lambda m=markup: ours(m)}
        )
        worst = max(worst, hostile["ours"])
        print(
            f"  {name:<42} lxml {hostile['lxml'] * 1000:>7.1f} ms"
            f"  html_to_text {hostile['ours'] * 1000:>7.1f} ms"
        )
    print(f"slowest hostile case: {worst * 1000:.0f} ms  (target < 200 ms)")
    return 0 if ratio < TARGET_RATIO and worst < 0.2 else 1


if __name__ == "__main__":
    sys.exit(main())
