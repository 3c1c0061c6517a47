"""Ingestion benchmark: 200 feeds × 50 Arabic items served from loopback.

Prints the whole pipeline's time (fetch, parse, clean, classify, store) divided
by bare `feedparser.parse` on the same bytes in the same run, and the time of a
second pass over the unchanged feeds (all 304) against the first.

    python bench/ingest.py [--feeds 200] [--items 50]

Targets: pipeline / feedparser ≤ 1.5; unchanged pass < 0.1 × first pass.
The feed server runs in its own process so its work is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import feedparser

SENTENCES = [
    "بحث وزير الطاقة السعودي مع نظيره الأذربيجاني في باكو سبل توسيع التعاون في مجالي النفط والغاز.",
    "قرر البنك المركزي المصري الإبقاء على أسعار الفائدة دون تغيير في ظل تراجع معدلات التضخم.",
    "تأهل منتخب المغرب لكرة القدم إلى المباراة النهائية بعد فوزه بهدفين مقابل هدف واحد.",
    "أعلنت وكالة الفضاء إطلاق قمر صناعي جديد لرصد التغيرات المناخية ومستويات المياه في المنطقة.",
    "أطلقت وزارة الصحة حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تستهدف كبار السن والأطفال.",
    "استأنف وفدا أرمينيا وأذربيجان محادثات ترسيم الحدود بين البلدين في جنيف بحضور وسطاء دوليين.",
    "ناقش الرئيس الروسي مع نظيره التركي في أنقرة ملفات الطاقة والتجارة والأوضاع في سوريا.",
    "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار تحالف أوبك بلس تمديد خفض الإنتاج.",
    "وقالت مصادر مطلعة إن الجانبين اتفقا على تشكيل لجان فنية مشتركة لمتابعة العمل على الأرض.",
    "وأوضح البيان أن الحكومة ستواصل مراقبة تطورات الأسعار عن كثب خلال الأشهر المقبلة.",
    "وأكد المتحدث أن المشروع سيوفر آلاف فرص العمل للشباب في المحافظات الجنوبية.",
    "وشهدت العاصمة اجتماعات مكثفة بين ممثلي الدول الخليجية لبحث التكامل الاقتصادي.",
    "أعلنت شركة ناشئة في الرياض عن جولة تمويل جديدة لتطوير تطبيقات الذكاء الاصطناعي.",
    "حذرت منظمة الصحة العالمية من انتشار موجة جديدة من الأمراض التنفسية مع دخول الشتاء.",
    "ويرى محللون أن القرار يعكس رغبة الطرفين في تخفيف حدة التوتر في جنوب القوقاز.",
    "وسجلت البورصة المحلية مكاسب قوية بدعم من أسهم البنوك وشركات الاتصالات.",
]


def make_feed(n: int, items: int) -> bytes:
    rnd = random.Random(n)
    parts = []
    for i in range(items):
        title = " ".join(rnd.sample(SENTENCES, 1)[0].split()[:9])
        paragraphs = "".join(f"<p>{s}</p>" for s in rnd.sample(SENTENCES, 4))
        parts.append(
            f"<item><title>{escape(title)} ({n}-{i})</title>"
            f"<link>https://news{n % 40}.example.org/ar/{n}/{i}</link>"
            f'<guid isPermaLink="false">feed{n}-item{i}</guid>'
            f"<pubDate>Mon, 30 Nov 2026 0{i % 10}:{i % 60:02d}:00 +0300</pubDate>"
            f"<description>{escape(paragraphs)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>مصدر رقم {n}</title><link>https://news{n % 40}.example.org/</link>"
        f"<description>أخبار</description>{''.join(parts)}</channel></rss>\n"
    ).encode()


def serve(
    bodies: dict[str, bytes], ready: multiprocessing.synchronize.Event, port: list[int]
) -> None:  # type: ignore[name-defined]
    """The publishers: every feed with an ETag, 304 when it matches."""
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        body = bodies.get(request.path)
        if body is None:
            return web.Response(status=404)
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml; charset=utf-8"}
        )

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port.append(runner.addresses[0][1])
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


def bare_feedparser(bodies: list[bytes], **options: object) -> float:
    started = time.perf_counter()
    for body in bodies:
        feedparser.parse(io.BytesIO(body), **options)
    return time.perf_counter() - started


async def pipeline(base: str, paths: list[str], database: Path) -> tuple[float, float, list[str]]:
    from bot.config import load_settings
    from bot.context import Services

    services = await Services.create(
        load_settings(
            database_path=database,
            feeds_file=database.parent / "none.toml",
            allow_private_feeds=True,  # the feed server is on 127.0.0.1
        )
    )
    try:
        feeds = [(await services.feeds.add(f"{base}{p}"))[0] for p in paths]
        started = time.perf_counter()
        first = await services.ingestor.run(feeds)
        first_time = time.perf_counter() - started
        bad = [f"{r.url}: {r.status}" for r in first if r.status != "ok"]
        stored = await services.articles.count()
        feeds = await services.feeds.all()
        started = time.perf_counter()
        second = await services.ingestor.run(feeds)
        second_time = time.perf_counter() - started
        bad += [f"{r.url}: {r.status} (2nd)" for r in second if r.status != "not-modified"]
        bad.append(f"stored {stored} articles")
        return first_time, second_time, bad
    finally:
        await services.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args()

    bodies = {f"/feeds/{n}.xml": make_feed(n, args.items) for n in range(args.feeds)}
    size = sum(map(len, bodies.values()))
    ctx = multiprocessing.get_context("fork")
    manager = ctx.Manager()
    port = manager.list()
    ready = ctx.Event()
    server = ctx.Process(target=serve, args=(bodies, ready, port), daemon=True)
    server.start()
    try:
        if not ready.wait(30):
            print("the feed server did not start", file=sys.stderr)
            return 1
        base = f"http://127.0.0.1:{port[0]}"
        body_list = list(bodies.values())
        # The baseline: bare feedparser on the same bytes, best of two runs.
        baseline = min(bare_feedparser(body_list) for _ in range(2))
        with tempfile.TemporaryDirectory() as folder:
            first, second, notes = asyncio.run(
                pipeline(base, list(bodies), Path(folder) / "bench.db")
            )
        flags = bare_feedparser(body_list, sanitize_html=False, resolve_relative_uris=False)
    finally:
        server.kill()
        manager.shutdown()

    entries = args.feeds * args.items
    print(f"{args.feeds} feeds × {args.items} items = {entries} entries, {size / 1e6:.1f} MB")
    print(f"bare feedparser.parse (defaults):     {baseline:7.2f} s")
    print(f"  (with our flags, no sanitizer:      {flags:7.2f} s)")
    print(f"pipeline, first pass (all new):       {first:7.2f} s")
    print(f"pipeline, second pass (all 304):      {second:7.2f} s")
    print(f"ratio pipeline / feedparser:          {first / baseline:7.2f}   (target ≤ 1.5)")
    print(f"ratio unchanged pass / first pass:    {second / first:7.3f}   (target < 0.1)")
    print(f"per entry: pipeline {first / entries * 1e3:.2f} ms, feedparser "
          f"{baseline / entries * 1e3:.2f} ms")  # fmt: skip
    for note in notes[-5:]:
        print(f"  {note}")
    ok = first / baseline <= 1.5 and second / first < 0.1
    print("PASS" if ok else "MISS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
