"""`mujaz stories`: the stories the last ingestion filed, and why an article is in its story."""

from __future__ import annotations

from pathlib import Path

from tests.feeds import rss
from tests.test_cli import mujaz


def item(n: int, title: str, lead: str) -> dict[str, str]:
    return {"title": title, "link": f"https://news.example/{n}", "guid": f"n{n}",
            "description": f"<p>{lead}</p>"}  # fmt: skip


def test_stories_lists_them_and_explains_a_join(tmp_path: Path) -> None:
    feed = tmp_path / "news.xml"
    feed.write_text(
        rss([
            item(1, "بوتين يصل إلى باكو في زيارة رسمية",
                 "وصل الرئيس الروسي فلاديمير بوتين إلى باكو للقاء الرئيس إلهام علييف."),
            item(2, "سيد الكرملين في العاصمة الأذربيجانية",
                 "حط الرئيس الروسي في العاصمة الأذربيجانية لإجراء محادثات مع علييف."),
            item(3, "زلزال بقوة 5.4 درجات يضرب ولاية ملاطية التركية",
                 "أعلنت آفاد أن الزلزال ضرب ملاطية على عمق 9 كيلومترات."),
        ], title="أخبار"),
        encoding="utf-8",
    )  # fmt: skip
    assert mujaz("ingest", str(feed), cwd=tmp_path).returncode == 0

    listing = mujaz("stories", "--since", "2d", cwd=tmp_path)
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count("story ") == 2
    assert "2 articles" in listing.stdout and "1 article ·" in listing.stdout

    ids = {line.split()[0]: line for line in listing.stdout.splitlines() if "سيد الكرملين" in line}
    (second,) = ids
    explained = mujaz("stories", "--explain", second, cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    out = explained.stdout
    assert "filed under story" in out and "together" in out
    assert "Putin (سيد الكرملين, by epithet; الرئيس الروسي, by epithet)" in out
    assert "Baku (العاصمة الأذربيجانية, by epithet)" in out

    missing = mujaz("stories", "--explain", "999", cwd=tmp_path)
    assert missing.returncode == 1 and "no article 999" in missing.stderr
