"""From feed HTML to the clean text and short summary an Arabic reader gets.

Scraped pages and generous feeds carry the page's furniture inside the
article: "Photo of author", "By <site>", English photo captions, agency
credits like "(رويترز)", "المصدر :", "رابط المصدر", "أضف تعليق", reCAPTCHA
and cookie notices. These are dropped line by line, after the HTML has been
turned into paragraphs.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from bot.core.normalize import normalize

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figure",
        "figcaption",
        "section",
        "article",
        "header",
        "footer",
        "tr",
        "table",
        "pre",
        "hr",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "svg",
        "object",
        "embed",
        "template",
        "head",
    ]
)
# Captions are removed together with their image: they describe the photo, not the news.
_CAPTION_TAGS = frozenset(("figcaption",))

_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^photo of author$",
        r"^by\s+\S.{0,60}$",
        r"^(بقلم|كتب|كتبت)\s*[:：]?\s*\S.{0,40}$",
        r"^المصدر\s*[:：]",
        r"^(رابط المصدر|اضف تعليق|أضف تعليق|اترك تعليقا|اترك تعليقاً|شارك|شارك المقال)$",
        r"^(اقرأ|إقرأ|اقرا) (أيضا|أيضاً|ايضا|المزيد)\b",
        r"^(read more|continue reading|the post .* appeared first on .*)",
        r"recaptcha|privacy policy and terms|cookies?\b.*(accept|consent|policy)",
        r"(ملفات تعريف الارتباط|سياسة الخصوصية)",
        r"^(advertisement|إعلان)$",
    )
]
# A caption line in Arabic papers ends with the photo agency in brackets.
_AGENCY_CREDIT = re.compile(
    r"\((رويترز|الفرنسية|الصحافة الفرنسية|أ\.? ?ف\.? ?ب|أسوشيتد برس|الأناضول|غيتي|"
    r"وكالات|الأوروبية|إي بي إيه|شترستوك|مواقع التواصل|أرشيف|الجزيرة|سبوتنيك|تاس)\)\s*$"
)
_DATELINE = re.compile(r"^[\u0600-\u06FF]+(?: [\u0600-\u06FF]+)?\s*[–—-]\s*(?=\S)")
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_TERMINAL = '.!?؟…»"”)'


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS or tag in _CAPTION_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS or tag in _CAPTION_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one paragraph per line."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    text = html.unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def one_line(markup: str) -> str:
    """A title: text without tags, entities decoded, on a single line."""
    return " ".join(html_to_text(markup).split())


def is_boilerplate(line: str, *, arabic_article: bool) -> bool:
    if any(p.search(line) for p in _BOILERPLATE) or _AGENCY_CREDIT.search(line):
        return True
    # An English photo caption inside an Arabic article.
    return arabic_article and _mostly_latin(line)


def clean_text(text: str, *, title: str = "") -> str:
    """Paragraphs of the article without page furniture and without a repeated headline."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    arabic = _is_arabic("\n".join(lines) + title)
    norm_title = normalize(title)
    kept = [
        line
        for line in lines
        if not is_boilerplate(line, arabic_article=arabic)
        and not (norm_title and normalize(line) == norm_title)
    ]
    return "\n".join(kept)


def summarize(text: str, *, max_chars: int = 280, max_sentences: int = 2) -> str:
    """One or two lead sentences, cut at a word boundary when they run long.

    The lead is the first paragraph that reads like prose (ends a sentence);
    subheadings and short kickers before it are skipped.
    """
    paragraphs = text.splitlines()
    lead = next((p for p in paragraphs if _is_prose(p)), paragraphs[0] if paragraphs else "")
    lead = _DATELINE.sub("", lead, count=1)
    sentences = _SENTENCE_END.split(lead)
    summary = ""
    for sentence in sentences[:max_sentences]:
        candidate = f"{summary} {sentence}".strip()
        if summary and len(candidate) > max_chars:
            break
        summary = candidate
    return shorten(summary, max_chars)


def shorten(text: str, max_chars: int) -> str:
    """Cut at the last word boundary within `max_chars`, never mid-word."""
    if len(text) <= max_chars:
        return text
    cut = text[: max_chars - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    cut = cut.rstrip(" ،,;:؛-–—")
    return cut if cut.endswith(tuple(_TERMINAL)) else cut + "…"


def _is_prose(paragraph: str) -> bool:
    return len(paragraph.split()) >= 8 and paragraph.rstrip().endswith(tuple(_TERMINAL))


def _is_arabic(text: str) -> bool:
    return len(_ARABIC_LETTER.findall(text)) > len(_LATIN_LETTER.findall(text))


def _mostly_latin(line: str) -> bool:
    latin = len(_LATIN_LETTER.findall(line))
    return latin >= 12 and latin > 3 * len(_ARABIC_LETTER.findall(line))
