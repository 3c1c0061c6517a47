"""Feed items in German, English and Arabic, for the language tests."""

from __future__ import annotations

GERMAN = [
    ("Bundestag beschließt neues Klimaschutzgesetz",
     "Der Bundestag hat am Donnerstag nach langer Debatte ein neues Gesetz zum Klimaschutz"
     " beschlossen, das strengere Ziele für Industrie und Verkehr vorsieht."),
    ("Bahnstreik legt den Fernverkehr lahm",
     "Wegen eines Streiks der Lokführer fallen heute bundesweit die meisten Fernzüge aus;"
     " die Gewerkschaft fordert mehr Geld und kürzere Arbeitszeiten."),
    ("Inflation in der Eurozone sinkt überraschend",
     "Die Teuerung im Euroraum ist im Oktober stärker zurückgegangen als von Ökonomen"
     " erwartet, vor allem weil die Energiepreise gefallen sind."),
    ("Hochwasser in Bayern: Pegel steigen weiter",
     "Nach tagelangem Regen sind in mehreren Landkreisen Straßen gesperrt worden, die"
     " Feuerwehr warnt vor weiter steigenden Wasserständen an der Donau."),
    ("Kanzler trifft Präsidenten in Berlin",
     "Bei dem Treffen im Kanzleramt ging es um die Unterstützung der Ukraine und um"
     " gemeinsame Projekte in der Energieversorgung."),
    ("Neue Regeln für Mieter ab Januar",
     "Ab dem kommenden Jahr gelten strengere Vorschriften für Mieterhöhungen in"
     " Großstädten, wie das Justizministerium mitteilte."),
    ("Fußball: Bayern gewinnt das Spitzenspiel",
     "Der Rekordmeister setzte sich am Samstagabend mit drei zu eins gegen Dortmund durch"
     " und übernimmt damit wieder die Tabellenführung."),
    ("Forscher entwickeln schnelleren Bluttest",
     "Ein Team aus Heidelberg hat ein Verfahren vorgestellt, mit dem sich bestimmte"
     " Krankheiten deutlich früher erkennen lassen sollen."),
    ("Autobauer kündigt Stellenabbau an",
     "Der Konzern will in den nächsten drei Jahren mehrere tausend Arbeitsplätze streichen,"
     " vor allem in der Verwaltung und in älteren Werken."),
]  # fmt: skip
ENGLISH = [
    ("Putin arrives in Baku for talks with Aliyev",
     "Russian President Vladimir Putin arrived in Baku on Monday for a two-day state visit,"
     " the Kremlin said, in a trip aimed at strengthening ties with Azerbaijan."),
    ("Oil prices climb after OPEC+ signals deeper cuts",
     "Brent crude rose more than two percent on Tuesday after the producer group said it"
     " was ready to extend its output cuts into next year."),
]  # fmt: skip
ARABIC = [
    ("بوتين يصل إلى باكو في زيارة دولة تستغرق يومين",
     "وصل الرئيس الروسي فلاديمير بوتين إلى العاصمة الأذربيجانية باكو في زيارة دولة يجري"
     " خلالها محادثات مع نظيره إلهام علييف حول التعاون والطاقة والنقل."),
]  # fmt: skip


def item(
    title: str, text: str, *, guid: str, link: str, date: str = "Mon, 30 Nov 2026 05:00:00 GMT"
) -> dict[str, str]:
    return {"title": title, "link": link, "guid": guid, "pubDate": date,
            "description": f"<p>{text}</p>"}  # fmt: skip


def items(
    pairs: list[tuple[str, str]], *, site: str = "https://news.example.de", start: int = 1
) -> list[dict[str, str]]:
    return [
        item(title, text, guid=f"{site}-{i}", link=f"{site}/{i}")
        for i, (title, text) in enumerate(pairs, start)
    ]
