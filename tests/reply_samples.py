"""A sample value for every parameter a reply template reads, per language.

`tests/core/test_render.py` renders every reply of `templates/<lang>/strings.toml` and
`strings/*.toml` with these and checks each line's direction. What a reader or a feed
supplies is written in the *other* script (Latin in Arabic replies, Arabic in English
ones): a line that starts with such a value must still read in the reply's direction.
A new template parameter needs a sample here; the test names any that lacks one.
"""

from __future__ import annotations

from typing import Any


def samples(language: str) -> dict[str, Any]:
    """Parameter name -> sample value for replies in `language`."""
    foreign = "Zangezur corridor" if language == "ar" else "ممر زنغزور"
    url = "https://example.org/rss?a=1&b=2"
    return {
        # What readers, admins and feeds supply: the other script.
        "given": foreign,
        "title": foreign,
        "phrase": foreign,
        "phrases": foreign,
        "source": foreign,
        "error": "HTTP 404 Not Found" if language == "ar" else "خطأ",
        "detail": "div",
        "reason": foreign,
        "url": url,
        "sources": [(foreign, url)],
        "failures": [(url, "http-404")],
        "suggestions": [foreign, foreign],
        "choices": [foreign],
        "unchanged": "تركيا" if language == "ar" else "Turkey",
        "mutes": foreign,
        "items": [
            {
                "title": foreign,
                "url": url,
                "source": foreign,
                "age": "قبل ساعة" if language == "ar" else "an hour ago",
            }
        ],
        "message": "boom" if language == "ar" else "خطأ",
        # Our own words and values.
        "where": "update",
        "kind": "RuntimeError",
        "destination": "/var/backups/mujaz",
        "name": "روسيا" if language == "ar" else "Russia",
        "names": "روسيا، إيران" if language == "ar" else "Russia, Iran",
        "topic": "جنوب القوقاز" if language == "ar" else "South Caucasus",
        "languages": "العربية، الإنجليزية" if language == "ar" else "Arabic, English",
        "schedule": "08:00 · كل يوم" if language == "ar" else "08:00 · every day",
        "timezone": "Asia/Riyadh",
        "country": "الأردن" if language == "ar" else "Jordan",
        "city": "الرياض" if language == "ar" else "Riyadh",
        "offset": "UTC+3",
        "days": "كل يوم" if language == "ar" else "every day",
        "first": "الأحد" if language == "ar" else "Sunday",
        "last": "الخميس" if language == "ar" else "Thursday",
        "times": "07:30",
        "held": ["23:30", "01:00"],
        "threads": "🧵 لكل موضوع سلسلة" if language == "ar" else "🧵 a thread per topic",
        "bot": "mujaz_bot",
        "age": "قبل ساعة" if language == "ar" else "an hour ago",
        **dict.fromkeys(("words",), 8),
        **dict.fromkeys(("chars",), 200),
        "quiet": "23:00–07:00",
        "start": "23:00",
        "end": "07:00",
        "style": "arabic",
        "command": "subscribe",
        "success": "قبل ساعتين" if language == "ar" else "2 hours ago",
        "status": "http-404",
        "problem": "الخادم أجاب بأن الصفحة غير موجودة (404)."
        if language == "ar"
        else "The server says the page does not exist (404).",
        "code": 404,
        "topics": [("روسيا" if language == "ar" else "Russia", 12, 40)],
        "ids": [7],
        "commands": [
            ("الاشتراك في موضوع", "subscribe", "Zangezur")
            if language == "ar"
            else ("Subscribe to a topic", "subscribe", "جنوب القوقاز"),
            ("موجز الآن", "digest", "") if language == "ar" else ("A digest now", "digest", ""),
        ],
        "admin_commands": [("إضافة مصدر", "addfeed", "https://e.org/rss")]
        if language == "ar"
        else [("Add a feed", "addfeed", "https://e.org/rss")],
        # Flags.
        "paused": True,
        "enabled": False,
        "cancelled": True,
        "failing": 1,
        **dict.fromkeys(("private", "silent", "preview", "on"), True),
        # Counts.
        **dict.fromkeys(("n", "id", "count", "limit", "low", "high", "feeds", "new"), 7),
        **dict.fromkeys(("failed", "total", "sent", "blocked", "uncertain", "left"), 12),
        **dict.fromkeys(("skipped", "seconds", "active", "digests", "broadcasts"), 3),
        **dict.fromkeys(("copies", "healthy", "disabled"), 3700),
        "minutes": 11,
        "rate": 29.8,
        "started": "2026-11-30 05:00 UTC",
        "running": True,
        **{"median": 1.5, "p95": 3.2, "max": 5.3, "stars": 0.5},
        **dict.fromkeys(("paid_digests", "paid_messages"), 5),
    }
