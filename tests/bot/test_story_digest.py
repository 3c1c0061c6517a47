"""Five events told by three Arabic outlets in their own words, and by an English wire:
the reader's digest has one item per event, each with its other sources."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.bot.digest_scenes import ingest
from tests.bot.harness import FakeClock, Harness, running
from tests.fakes.bot_api import FakeBotAPI
from tests.fakes.feed_server import FeedServer

READER = 4001
START = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

# (headline, lead) per event, as each outlet wrote it.
EVENTS: dict[str, list[tuple[str, str]]] = {
    "putin-baku": [
        ("بوتين يصل إلى باكو في زيارة رسمية تستمر يومين",
         "وصل الرئيس الروسي فلاديمير بوتين إلى العاصمة الأذربيجانية باكو في زيارة رسمية يلتقي"
         " خلالها الرئيس إلهام علييف."),
        ("سيد الكرملين في العاصمة الأذربيجانية لإجراء محادثات مع علييف",
         "حط الرئيس الروسي في باكو صباح اليوم في أول زيارة له منذ عامين، ويبحث مع نظيره"
         " الأذربيجاني ملفات الطاقة والنقل."),
        ("محادثات روسية أذربيجانية في باكو خلال زيارة بوتين",
         "بدأ الرئيس فلاديمير بوتين محادثات مع الرئيس الأذربيجاني إلهام علييف في باكو تتناول"
         " ممر النقل بين الشمال والجنوب."),
    ],
    "malatya-quake": [
        ("زلزال بقوة 5.4 درجات يضرب ولاية ملاطية شرقي تركيا",
         "أعلنت إدارة الكوارث والطوارئ التركية أن زلزالاً بقوة 5.4 درجات ضرب ولاية ملاطية"
         " على عمق 9 كيلومترات."),
        ("هزة أرضية قوية تضرب ملاطيا التركية ولا خسائر في الأرواح",
         "قال وزير الداخلية التركي إن الفرق الميدانية لم ترصد خسائر في الأرواح جراء الهزة"
         " التي ضربت ملاطيا صباح اليوم."),
        ("«آفاد»: عشرات الهزات الارتدادية بعد زلزال ملاطية",
         "سجلت آفاد عشرات الهزات الارتدادية عقب الزلزال الذي بلغت قوته 5.4 درجات وضرب ملاطية"
         " شرقي تركيا."),
    ],
    "opec-output": [
        ("أوبك+ تقر زيادة إنتاج النفط بمقدار 137 ألف برميل يومياً",
         "اتفقت الدول الثماني في تحالف أوبك+ على زيادة إنتاج النفط الشهر المقبل بمقدار 137"
         " ألف برميل يومياً."),
        ("تحالف «أوبك بلس» يواصل الزيادات الحذرة لإنتاج النفط",
         "قرر تحالف أوبك بلس مواصلة رفع إنتاج النفط بوتيرة محدودة الشهر المقبل، وسط توقعات"
         " سوق متقلبة."),
        ("زيادة محدودة في إنتاج أوبك+ الشهر المقبل",
         "أقر تحالف أوبك+ في اجتماع افتراضي زيادة إنتاجه من النفط 137 ألف برميل يومياً مع"
         " الحفاظ على المرونة."),
    ],
    "border-commissions": [
        ("أذربيجان وأرمينيا تتفقان على ترسيم قطاع جديد من الحدود",
         "اتفقت لجنتا ترسيم الحدود بين أذربيجان وأرمينيا على الشروع في ترسيم قطاع جديد من"
         " الحدود المشتركة."),
        ("لجنتا ترسيم الحدود الأذربيجانية والأرمينية تعقدان اجتماعهما الثاني عشر",
         "عقدت لجنتا ترسيم الحدود برئاسة نائبي رئيسي وزراء البلدين اجتماعهما الثاني عشر"
         " على الحدود واتفقتا على القطاع التالي."),
        ("يريفان وباكو تبدآن ترسيم جزء جديد من حدودهما",
         "أعلنت الحكومة الأرمينية أن لجنتي ترسيم الحدود مع أذربيجان اتفقتا على ترسيم قطاع"
         " جديد يمتد جنوباً."),
    ],
    "morocco-afcon": [
        ("المنتخب المغربي يتأهل إلى نهائيات كأس أمم أفريقيا",
         "حجز المنتخب المغربي بطاقة التأهل إلى نهائيات كأس أمم أفريقيا بعد فوزه على جزر القمر"
         " بثلاثية نظيفة."),
        ("أسود الأطلس يضمنون التأهل لكأس أفريقيا بثلاثية أمام جزر القمر",
         "ضمن أسود الأطلس مقعدهم في النهائيات القارية بعد الفوز 3-0 على جزر القمر في الرباط."),
        ("المغرب يحجز مقعده في «كان» بعد اكتساح جزر القمر",
         "لم يجد المنتخب المغربي صعوبة في تخطي جزر القمر بثلاثة أهداف دون رد، ليضمن بلوغ"
         " النهائيات."),
    ],
}  # fmt: skip
WIRE = (
    "Putin arrives in Baku for talks with Aliyev",
    "Russian President Vladimir Putin arrived in Baku on Monday for a two-day state visit and"
    " talks with Azerbaijani President Ilham Aliyev on energy and transport.",
)
OUTLETS = ("alpha", "beta", "gamma")


def item(outlet: str, n: int, title: str, lead: str, minutes_ago: int) -> dict[str, str]:
    published = START - timedelta(minutes=minutes_ago)
    return {
        "title": title,
        "link": f"https://{outlet}.example/news/{n}",
        "guid": f"{outlet}-{n}",
        "pubDate": published.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "description": f"<p>{lead}</p>",
    }


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Harness]:
    async with running(fake_bot_api, tmp_path, clock=FakeClock(START)) as harness:
        yield harness


async def test_five_events_from_three_outlets_and_a_wire_are_five_items(
    bot: Harness, feed_server: FeedServer
) -> None:
    for o, outlet in enumerate(OUTLETS):
        items = [
            item(outlet, e, *tellings[o], minutes_ago=200 - 40 * e - 10 * o)
            for e, tellings in enumerate(EVENTS.values())
        ]
        await ingest(bot, feed_server, outlet, items)
    await ingest(bot, feed_server, "wire", [item("wire", 0, *WIRE, minutes_ago=150)])

    for topic in ("south_caucasus", "turkey", "energy", "sports"):
        await bot.say(READER, f"/subscribe {topic}")
    await bot.say(READER, "/items 10")
    digest = await bot.say(READER, "/digest")

    text, html = str(digest["text"]), str(digest["html"])
    items = re.findall(r"^• .*$", text, flags=re.MULTILINE)
    assert len(items) == 5, text
    sources = [line for line in text.splitlines() if line.startswith("المصدر:")]
    assert len(sources) == 5
    assert all(re.search(r" · و(مصدر آخر|مصدران آخران|\S+ مصادر أخرى)$", s) for s in sources)
    assert "٣ مصادر أخرى" in text or "3 مصادر أخرى" in text  # Putin in Baku: the wire too
    assert html.count("?start=s") == 5  # each item links to its other sources
    assert bot.api.rejected == []
