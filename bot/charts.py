"""The /stats chart: stories a day per topic, and subscribers per topic, as a PNG.

matplotlib with the Agg backend: no display needed. Labels are English topic names:
matplotlib does not shape Arabic (letters would come out unjoined, left to right),
so the Arabic stays in the caption and the text reply.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from storage.stats import Stats

TOP_TOPICS = 8


def stats_chart(stats: Stats, names: Mapping[str, str]) -> bytes:
    """PNG bytes. Builds a Figure without pyplot: no global state, safe in a worker thread."""
    from matplotlib.figure import Figure

    volume = {t: sum(per_day.values()) for t, per_day in stats.articles.items()}
    shown = sorted(volume, key=lambda t: (-volume[t], t))[:TOP_TOPICS]
    topics = sorted(set(names) | set(stats.subscribers), key=lambda t: stats.subscribers.get(t, 0))
    figure = Figure(figsize=(12, 5))
    daily, subscribed = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    labels = [day[5:] for day in stats.days]
    for topic in shown:
        counts = [stats.articles[topic].get(day, 0) for day in stats.days]
        daily.plot(labels, counts, marker="o", label=names.get(topic, topic))
    daily.set_title("Stories per day")
    daily.set_ylim(bottom=0)
    daily.grid(alpha=0.3)
    if shown:
        daily.legend(fontsize="small", loc="upper left")
    subscribed.barh(
        [names.get(t, t) for t in topics], [stats.subscribers.get(t, 0) for t in topics]
    )
    subscribed.set_title("Subscribers (active chats)")
    subscribed.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
