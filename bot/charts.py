"""The /stats chart: stories a day per topic, and subscribers per topic, as a PNG.

matplotlib with the Agg backend: no display needed. Its text engine neither joins
Arabic letters nor orders a right-to-left run, so each Arabic label is shaped
(arabic-reshaper: the contextual forms) and put in visual order (python-bidi) first;
DejaVu Sans, matplotlib's own font, has those forms. Days are plotted at numeric
positions with the dates as tick labels: strings that look like dates would make
matplotlib's category axis log a line at INFO for every series.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import arabic_reshaper
from bidi import get_display

from storage.stats import Stats

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class ChartText:
    """The chart's words in the admin's language (from templates/)."""

    daily_title: str = "Stories per day"
    subscribers_title: str = "Subscribers (active chats)"


def visual(text: str) -> str:
    """Text as matplotlib must be given it: Arabic shaped and in visual order; other text
    as it is."""
    if not any("\u0600" <= ch <= "\u06ff" for ch in text):
        return text
    return str(get_display(arabic_reshaper.reshape(text)))


def stats_figure(stats: Stats, names: Mapping[str, str], text: ChartText) -> Figure:
    """Every topic of `names` (the catalog, in the admin's language) in the legend and on the
    bars, in a Figure built without pyplot: no global state, safe in a worker thread."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    topics = sorted(names, key=lambda t: (-sum(stats.articles.get(t, {}).values()), t))
    palette = colormaps["tab20"]
    colors = [palette(i) for i in range(palette.N)]  # 20 distinct colours: one per topic
    figure = Figure(figsize=(13, 5.5))
    daily, subscribed = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    positions = list(range(len(stats.days)))
    for i, topic in enumerate(topics):
        counts = [stats.articles.get(topic, {}).get(day, 0) for day in stats.days]
        daily.plot(positions, counts, marker="o", color=colors[i % len(colors)],
                   label=visual(names[topic]))  # fmt: skip
    daily.set_xticks(positions, [day[5:] for day in stats.days])
    daily.set_title(visual(text.daily_title))
    daily.set_ylim(bottom=0)
    daily.yaxis.set_major_locator(MaxNLocator(integer=True))
    daily.grid(alpha=0.3)
    if topics:
        daily.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0), ncols=1)
    ranked = sorted(topics, key=lambda t: (stats.subscribers.get(t, 0), t))
    subscribed.barh(
        [visual(names[t]) for t in ranked],
        [stats.subscribers.get(t, 0) for t in ranked],
        color=[colors[topics.index(t) % len(colors)] for t in ranked],
    )
    subscribed.set_title(visual(text.subscribers_title))
    subscribed.xaxis.set_major_locator(MaxNLocator(integer=True))
    subscribed.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def stats_chart(stats: Stats, names: Mapping[str, str], text: ChartText | None = None) -> bytes:
    """PNG bytes of `stats_figure`."""
    buffer = io.BytesIO()
    stats_figure(stats, names, text or ChartText()).savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
