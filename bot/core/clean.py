"""From feed HTML to the clean text and short summary an Arabic reader gets.

Scraped pages and generous feeds carry the page's furniture inside the
article: "Photo of author", "By <site>", English photo captions, agency
credits like "(رويترز)", "المصدر :", "رابط المصدر", "أضف تعليق", reCAPTCHA
and cookie notices, share and newsletter prompts, and "read more" tails. These
are dropped line by line, after the HTML has been turned into paragraphs
(scripts, styles, hidden elements and figure captions never become text).

Markup is read by libxml2's HTML parser (through lxml), never by regular
expressions: any feed can send anything, and a pattern over markup that
backtracks turns 140 KB of unclosed tags into a minute of CPU. Every step here
is linear in its input, and the input is capped (MAX_MARKUP_CHARS) before it.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from bot.core.invisible import strip_invisible
from bot.core.normalize import normalize

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
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
        "aside",
        "header",
        "footer",
        "main",
        "nav",
        "tr",
        "td",
        "th",
        "table",
        "pre",
        "hr",
        "address",
        "details",
    ]
)
_SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "svg",
        "math",
        "object",
        "embed",
        "template",
        "head",
        "title",
        "button",
        "select",
        "textarea",
        "form",
    ]
)
# Captions are removed together with their image: they describe the photo, not the news.
_CAPTION_TAGS = frozenset(("figcaption",))
_DROPPED_TAGS = _SKIP_TAGS | _CAPTION_TAGS
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# Whole lines that are page furniture, in Arabic and English.
_BOILERPLATE_LINES = (
    r"photo of author|author photo|صورة الكاتب",
    r"by\s+\S.{0,60}",
    r"(بقلم|كتب|كتبت|إعداد|اعداد|تحرير)\s*[:：]?\s*\S.{0,40}",
    r"(رابط المصدر|رابط مختصر|اضف تعليق|أضف تعليق|أضف تعليقك|اترك تعليقا|اترك تعليقاً|"
    r"اترك ردا|اترك رداً|التعليقات|شارك|شارك المقال|شارك الخبر|شارك هذا المقال|مشاركة|"
    r"طباعة|نسخ الرابط|تم نسخ الرابط|اقرأ أيضا|اقرأ أيضاً|إقرأ أيضا|إقرأ أيضاً|مواضيع ذات صلة|"
    r"أخبار ذات صلة|اخبار ذات صلة|مقالات ذات صلة|الأكثر قراءة|الاكثر قراءة)\s*[:：]?",
    r"(advertisement|sponsored|إعلان|اعلان|محتوى مدفوع)",
    r"(share|share this|share this article|like this|related|related posts|related articles|"
    r"comments?|leave a (comment|reply)|print|tweet|email)\s*[:：]?",
    r"(all rights reserved|جميع الحقوق محفوظة|حقوق النشر محفوظة)\b.{0,80}",
    r"(©|copyright)\s.{0,80}",
)
# Patterns that mark a line as furniture from its start.
_BOILERPLATE_STARTS = (
    r"المصدر\s*[:：]",
    r"(اقرأ|إقرأ|اقرا) (أيضا|أيضاً|ايضا|المزيد)\b",
    r"(read more|continue reading|read the full (story|article))\b",
    r"the post .* appeared first on .*",
    r"this (article|entry) (was )?(originally )?(published|posted) ",
    r"(اشترك|اشترك الآن|سجل) (في|ب)?\s?(النشرة|نشرتنا)",
    r"(follow us|تابعونا|تابعنا) (on|عبر|على)\b",
    r"(download|حمّل|حمل) (our|the|تطبيق)\b",
)
# Notices recognised anywhere in a line; only lines holding one of the cue words are searched.
_NOTICES = re.compile(
    r"recaptcha|privacy policy and terms|terms of service apply"
    r"|\bcookies?\b.{0,80}\b(accept|consent|policy|agree|settings)\b"
    r"|(accept|allow) (all )?cookies"
    r"|ملفات تعريف الارتباط|سياسة الخصوصية|سياسة ملفات"
    r"|(sign up|subscribe) (for|to) (our|the) (newsletter|daily|free)",
    re.IGNORECASE,
)
_NOTICE_CUES = re.compile(
    r"recaptcha|privacy|terms of|cookie|newsletter|الارتباط|الخصوصية|سياسة", re.IGNORECASE
)
_BOILERPLATE = re.compile(
    "|".join(f"(?:(?:{p})$)" for p in _BOILERPLATE_LINES)
    + "|"
    + "|".join(f"(?:{p})" for p in _BOILERPLATE_STARTS),
    re.IGNORECASE,
)
# A caption line in Arabic papers ends with the photo agency in brackets.
_AGENCY_CREDIT = re.compile(
    r"\((رويترز|الفرنسية|الصحافة الفرنسية|أ\.? ?ف\.? ?ب|أسوشيتد برس|الأناضول|غيتي|"
    r"وكالات|الأوروبية|إي بي إيه|شترستوك|مواقع التواصل|أرشيف|الجزيرة|سبوتنيك|تاس|"
    r"أ ب|د ب أ|رويترز/أرشيف|غيتي إيميجز|Getty|Reuters|AFP|AP|EPA)\)\s*$"
)
# "Read more" tails closing a feed's summary: "… [Read more]", "[…]", "اقرأ المزيد »".
_TAIL_STRONG = (
    r"read more|continue reading|read the full (?:story|article)|keep reading|"
    r"اقرأ المزيد|إقرأ المزيد|اقرا المزيد|اقرأ أكثر|تابع القراءة|أكمل القراءة|"
    r"لمزيد من التفاصيل|التفاصيل كاملة"
)
_TAIL_WEAK = r"more|المزيد|للمزيد|التفاصيل"  # ordinary words: only with an ellipsis or arrow
_ELLIPSIS = r"(?:…|\.\.\.|\[\s*(?:…|\.\.\.)\s*\])"
_ARROW = r"(?:»|›|→|>>|…|\.\.\.)"
_TAIL = re.compile(
    rf"(?:\s*\[\s*(?:…|\.\.\.)\s*\]"
    rf"|(?:^|(?<=[\s….\]]))\s*{_ELLIPSIS}?\s*[\[(]?\s*(?:{_TAIL_STRONG})\s*{_ARROW}?\s*[\])]?"
    rf"|\s*{_ELLIPSIS}\s*[\[(]?\s*(?:{_TAIL_WEAK})\s*{_ARROW}?\s*[\])]?"
    rf"|(?:^|(?<=\s))[\[(]?\s*(?:{_TAIL_WEAK})\s*{_ARROW}\s*[\])]?)\s*$",
    re.IGNORECASE,
)
_TAIL_WINDOW = 200
# A wire dateline opening a lead: where, perhaps when, perhaps the agency, then a dash or
# colon. «موسكو (رويترز) -», «موسكو، 30 نوفمبر (رويترز) -», «القدس المحتلة - (الأناضول):»,
# «باكو -», "MOSCOW (Reuters) -", "WASHINGTON, Dec 1 (Reuters) -", "KYIV, Ukraine (AP) —",
# "LONDON —". A place in Latin letters is in capitals unless an agency follows it.
_DASH = r"(?:\s*[-–—]+\s*:?|\s*:)\s*(?=\S)"
_AGENCY = r"\([^()\d\n]{2,30}\)"
_DATELINE = re.compile(
    r"^(?:"
    # Arabic: one to three words, a date after a comma, an agency, each but the dash optional
    rf"[\u0600-\u06FF]+(?: [\u0600-\u06FF]+){{0,1}}(?:\s*،\s*[^()\n،]{{1,30}}?)?"
    rf"(?:\s*[-–—]?\s*{_AGENCY})?{_DASH}"
    # Latin with an agency: "Moscow (Reuters) -", "KYIV, Ukraine (AP) —"
    rf"|[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){{0,2}}(?:,\s*[^()\n,]{{1,30}}?){{0,2}}\s*{_AGENCY}{_DASH}"
    # Latin in capitals: "LONDON —", "NEW YORK, Dec 1 -"
    rf"|[A-Z]{{2,}}(?:[ .'-][A-Z]{{2,}}){{0,2}}(?:,\s*[^()\n,]{{1,30}}?)?\s*[-–—]+\s*(?=\S)"
    r")"
)
_ARABIC_RUN = re.compile(r"[\u0600-\u06FF]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_LATIN_LETTERS = dict.fromkeys(map(ord, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
_ARABIC_LETTERS = dict.fromkeys(range(0x0600, 0x0700))
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_TERMINAL = '.!?؟…»"”)'


# Markup read at most: more is never one article, and the stored text is cut far below it.
MAX_MARKUP_CHARS = 512 * 1024
# Elements open at once. Real markup nests a few dozen deep; past this the rest is hostile,
# and the parser's work for each stray end tag grows with the depth, so reading stops here.
MAX_DEPTH = 256
_CHUNK = 16 * 1024  # bytes handed to the parser at a time
MAX_SOURCE_CHARS = 64  # a source name as readers see it
_SOURCE_MARKUP_CHARS = 4096  # a feed title's markup read at most: 64 characters come of it


class _TooDeep(Exception):
    pass


class _VisibleText:
    """lxml parser target: the visible text, a line break at every block's start and end.

    libxml2's HTML parser tokenizes in one linear pass (it recovers from any markup and
    decodes entities); this target only sees balanced start and end events, so a
    dropped subtree (scripts, captions, hidden elements) is skipped by its depth.
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self._depth = 0
        self._dropped_at = 0  # depth of the open dropped element; 0 when none is open

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep
        if self._dropped_at:
            return
        if tag in _DROPPED_TAGS or (attrib and _is_hidden(attrib)):
            self._dropped_at = self._depth
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def end(self, tag: str) -> None:
        if self._dropped_at:
            if self._depth == self._dropped_at:
                self._dropped_at = 0
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        self._depth -= 1

    def data(self, data: str) -> None:
        if not self._dropped_at:
            self.parts.append(data)

    def close(self) -> str:
        return "".join(self.parts)


def _is_hidden(attrib: dict[str, str]) -> bool:
    if "hidden" in attrib or attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attrib.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _visible_text(markup: str) -> str:
    target = _VisibleText()
    parser = etree.HTMLParser(
        target=target,
        encoding="utf-8",  # the bytes below: a <meta charset> inside the markup is ignored
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
    )
    # Bytes, not str: lxml refuses a str with an XML declaration or a lone surrogate.
    data = markup.replace("\x00", "").encode("utf-8", "replace")
    try:
        # Fed in chunks: an exception from the target stops the parser at the chunk's end
        # (parsing the whole string at once would carry on to its end without the target).
        for at in range(0, len(data), _CHUNK):
            parser.feed(data[at : at + _CHUNK])
        return str(parser.close())
    except (_TooDeep, etree.LxmlError):
        return target.close()  # the text up to where reading stopped


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one paragraph per line.

    Linear in the markup, which is read up to MAX_MARKUP_CHARS: hostile markup
    (unclosed tags and comments, deep nesting, huge attributes) costs what its
    length costs. Bidi controls, zero-width and control characters are dropped.
    """
    markup = markup[:MAX_MARKUP_CHARS]
    if "<" in markup:
        text = _visible_text(markup)
    elif "&" in markup:
        text = html.unescape(markup)  # text with entities: nothing to parse
    else:
        text = markup
    text = strip_invisible(text.replace("\xa0", " "))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def one_line(markup: str) -> str:
    """A title: text without tags, entities decoded, on a single line."""
    return " ".join(html_to_text(markup).split())


def source_name(title: str | None) -> str | None:
    """A feed's title as readers see it as an item's source: one line, MAX_SOURCE_CHARS at most.

    None when nothing readable is left (the caller falls back to the feed's host).
    """
    if not title:
        return None
    return shorten(one_line(title[:_SOURCE_MARKUP_CHARS]), MAX_SOURCE_CHARS) or None


def is_boilerplate(line: str, *, arabic_article: bool) -> bool:
    if _BOILERPLATE.match(line):  # anchored: a prose line fails on its first words
        return True
    if line.endswith(")") and _AGENCY_CREDIT.search(line):
        return True
    if _NOTICE_CUES.search(line) and _NOTICES.search(line):
        return True
    # An English photo caption inside an Arabic article.
    return arabic_article and _mostly_latin(line)


def strip_tail(line: str) -> str:
    """The line without a closing "read more" link or a bracketed ellipsis.

    Whitespace runs are collapsed first: the tail pattern's optional spaces backtrack
    against each other, and on a long run of spaces that is exponential. Only the
    line's last _TAIL_WINDOW characters are searched (a tail is a few words).
    """
    line = " ".join(line.split())
    found = _TAIL.search(line, max(0, len(line) - _TAIL_WINDOW))
    return (line[: found.start()] if found else line).rstrip()


def clean_text(text: str, *, title: str = "") -> str:
    """Paragraphs of the article without page furniture and without a repeated headline.

    Reads at most MAX_MARKUP_CHARS of `text` (an extractor's output may be longer).
    """
    text = strip_invisible(text[:MAX_MARKUP_CHARS])
    lines = [" ".join(line.split()) for line in text.splitlines() if line and not line.isspace()]
    if lines:
        lines[-1] = strip_tail(lines[-1])
    arabic = _is_arabic((title + "\n" + "\n".join(lines[:6]))[:600])
    kept = [
        line
        for line in lines
        if line and not is_boilerplate(line, arabic_article=arabic) and not _same(line, title)
    ]
    return "\n".join(kept)


def _same(line: str, title: str) -> bool:
    """The headline repeated as a paragraph (compared normalized; only near-equal lengths)."""
    if not title or abs(len(line) - len(title)) > len(title) // 5 + 5:
        return False
    return normalize(line) == normalize(title)


def summarize(text: str, *, max_chars: int = 280, max_sentences: int = 2) -> str:
    """One or two lead sentences, cut at a word boundary when they run long.

    The lead is the first paragraph that reads like prose (ends a sentence);
    subheadings and short kickers before it are skipped.
    """
    paragraphs = text.splitlines()
    lead = next((p for p in paragraphs if _is_prose(p)), paragraphs[0] if paragraphs else "")
    lead = strip_dateline(lead)
    sentences = _SENTENCE_END.split(lead)
    summary = ""
    for sentence in sentences[:max_sentences]:
        candidate = f"{summary} {sentence}".strip()
        if summary and len(candidate) > max_chars:
            break
        summary = candidate
    return shorten(summary, max_chars)


def strip_dateline(paragraph: str) -> str:
    """The lead without the wire dateline it opens with («موسكو (رويترز) -», "LONDON (AP) —")."""
    return _DATELINE.sub("", paragraph[:400], count=1) + paragraph[400:]


def headline_from_text(text: str, *, max_chars: int) -> tuple[str, str]:
    """A headline for an untitled item (RSS allows them): its lead's first sentence, dateline
    gone; and the rest of the text, to summarize, so the summary does not repeat it."""
    lead, _, after = text.partition("\n")
    sentences = _SENTENCE_END.split(strip_dateline(lead), maxsplit=1)
    title = shorten(sentences[0], max_chars)
    rest = "\n".join(part for part in (sentences[1] if len(sentences) > 1 else "", after) if part)
    return title, rest


def summary_beyond_title(title: str, summary: str) -> str:
    """The summary without what the headline already says: nothing when it repeats the
    headline, the rest when it opens with it (an untitled item stored before its headline
    was its first sentence)."""
    head = title.rstrip("…").rstrip()
    if not head or normalize(summary) == normalize(title):
        return "" if head else summary
    if not summary.startswith(head):
        return summary
    rest = summary[len(head) :].lstrip(" .،,:;؛-–—…")
    return rest if len(rest.split()) >= 3 else ""


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
    """More Arabic than Latin letters (counted as runs: a word is a run; cheap on long text)."""
    arabic = sum(map(len, _ARABIC_RUN.findall(text)))
    return arabic > sum(map(len, _LATIN_RUN.findall(text)))


def _mostly_latin(line: str) -> bool:
    # Letters counted by deleting them (str.translate runs in C): most lines of an
    # Arabic article have no Latin letter at all and stop at the first count.
    latin = len(line) - len(line.translate(_LATIN_LETTERS))
    if latin < 12:
        return False
    return latin > 3 * (len(line) - len(line.translate(_ARABIC_LETTERS)))
