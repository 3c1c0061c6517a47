"""Feed documents built in tests, and the seed article as a feed item."""

from __future__ import annotations

from xml.sax.saxutils import escape

from tests.paths import seed_article

SEED_URL = "https://www.aljazeera.net/politics/2024/8/20/putin-aliyev-baku-visit"


def rss(items: list[dict[str, str]], *, title: str = "مصدر تجريبي") -> str:
    """An RSS 2.0 document; each item's description is HTML, escaped as publishers do."""
    body = "".join(
        "<item>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in item.items()) + "</item>"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://example.org/</link><description>x</description>{body}</channel></rss>"
    )


def seed_item(*, link: str = SEED_URL, guid: str = "seed-1") -> dict[str, str]:
    """The seed article as publishers put it in a feed: paragraphs, boilerplate kept."""
    title, body = seed_article()
    html = "".join(f"<p>{escape(line)}</p>" for line in body.splitlines() if line.strip())
    return {
        "title": title,
        "link": link,
        "guid": guid,
        "pubDate": "Tue, 20 Aug 2024 10:00:00 GMT",
        "description": html,
    }


def sports_item() -> dict[str, str]:
    return {
        "title": "الهلال يفوز على النصر في الدوري السعودي",
        "link": "https://example.org/sports/1",
        "guid": "sports-1",
        "pubDate": "Tue, 20 Aug 2024 09:00:00 GMT",
        "description": (
            "<p>فاز الهلال على النصر بهدفين في مباراة قوية ضمن الدوري السعودي لكرة القدم.</p>"
        ),
    }
