"""The /stats chart reads right: Arabic labels shaped and in order, whole-number ticks,
every topic in the legend, and no matplotlib chatter in the log."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest

from bot.charts import ChartText, stats_chart, stats_figure, visual
from bot.core.topics import Catalog
from storage.stats import Stats
from tests.bot.harness import running
from tests.delivery.audience import seed_chats
from tests.fakes.bot_api import FakeBotAPI
from tests.paths import TEMPLATES

ADMIN = 42
DAYS = ["2026-11-25", "2026-11-26", "2026-11-27"]
PRESENTATION_FORMS = range(0xFE70, 0xFF00)  # Arabic letters in their joined shapes


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    catalog = Catalog.load(TEMPLATES / "topics.toml")
    return {t: catalog[t].name("ar") for t in catalog.ids()}


def small_stats() -> Stats:
    return Stats(
        subscribers={"south_caucasus": 3, "sports": 1},
        days=DAYS,
        articles={"south_caucasus": {DAYS[0]: 1, DAYS[2]: 2}, "russia": {DAYS[1]: 1}},
    )


def test_arabic_labels_are_shaped_and_in_visual_order() -> None:
    shown = visual("جنوب القوقاز")
    assert all(ord(ch) in PRESENTATION_FORMS or ch == " " for ch in shown)
    assert shown.split(" ")[0].startswith("\ufeaf")  # the last letter (ز) drawn first, leftmost
    assert visual("Russia") == "Russia"


def test_every_topic_is_in_the_legend_and_on_the_bars(names: dict[str, str]) -> None:
    figure = stats_figure(small_stats(), names, ChartText("الأخبار يوميًا", "المشتركون"))
    daily, subscribed = figure.axes
    legend = {text.get_text() for text in daily.get_legend().get_texts()}
    assert legend == {visual(name) for name in names.values()}
    assert {label.get_text() for label in subscribed.get_yticklabels()} == legend
    assert daily.get_title() == visual("الأخبار يوميًا")


def test_ticks_are_whole_numbers(names: dict[str, str]) -> None:
    figure = stats_figure(small_stats(), names, ChartText())
    daily, subscribed = figure.axes
    figure.canvas.draw()
    for ticks in (daily.get_yticks(), subscribed.get_xticks()):
        assert all(float(t).is_integer() for t in ticks)
    assert [label.get_text() for label in daily.get_xticklabels()] == ["11-25", "11-26", "11-27"]


def test_the_font_has_every_arabic_glyph(names: dict[str, str]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" is a UserWarning
        assert stats_chart(small_stats(), names, ChartText("المشتركون", "الأخبار")).startswith(
            b"\x89PNG"
        )


async def test_stats_logs_nothing_from_matplotlib(
    fake_bot_api: FakeBotAPI, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running(fake_bot_api, tmp_path, admin_ids=frozenset({ADMIN})) as bot:
        await seed_chats(bot.services.db, range(1, 4), topic="sports")
        for _ in range(2):
            caplog.clear()
            before = len(fake_bot_api.messages_to(ADMIN))
            fake_bot_api.user_sends(ADMIN, "/stats")
            await fake_bot_api.wait_for_messages(ADMIN, before + 2, timeout=20)
            assert not [r for r in caplog.records if r.name.startswith("matplotlib")]
