"""From feed HTML to the clean text and short summary an Arabic reader gets.

Scraped pages and generous feeds carry the page's furniture inside the
article: "Photo of author", "By <site>", English photo captions, agency
credits like "(رويترز)", "المصدر :", "رابط المصدر", "أضف تعليق", reCAPTCHA
and cookie notices, share and newsletter prompts, and "read more" tails. These
are dropped line by line, after the HTML has been turned into paragraphs
(scripts, styles, hidden elements and figure captions never become text).
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
_DATELINE = re.compile(r"^[\u0600-\u06FF]+(?: [\u0600-\u06FF]+)?\s*[–—-]\s*(?=\S)")
_ARABIC_RUN = re.compile(r"[\u0600-\u06FF]+")
_LATIN_RUN = re.compile(r"[A-Za-z]+")
_LATIN_LETTERS = dict.fromkeys(map(ord, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
_ARABIC_LETTERS = dict.fromkeys(range(0x0600, 0x0700))
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_TERMINAL = '.!?؟…»"”)'


class _TextExtractor(HTMLParser):
    """Visible text, with a line break at every block; skipped and hidden subtrees dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._hidden: list[str] = []  # tags of open hidden elements, innermost last
        self._hidden_depth = 0  # same-name tags opened inside the innermost hidden one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden:
            if tag == self._hidden[-1]:
                self._hidden_depth += 1
            return
        if tag in _SKIP_TAGS or tag in _CAPTION_TAGS:
            self._skip += 1
        elif _is_hidden(attrs) and tag not in _VOID_TAGS:
            self._hidden.append(tag)
            self._hidden_depth = 0
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS and not self._hidden:
            self.parts.append("\n")  # <br/>, <hr/>: a break, nothing to close

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            if tag == self._hidden[-1]:
                if self._hidden_depth:
                    self._hidden_depth -= 1
                else:
                    self._hidden.pop()
            return
        if tag in _SKIP_TAGS or tag in _CAPTION_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._hidden:
            self.parts.append(data)


_VOID_TAGS = frozenset(("img", "br", "hr", "input", "meta", "link", "source", "wbr", "col"))


def _is_hidden(attrs: list[tuple[str, str | None]]) -> bool:
    for name, value in attrs:
        if name == "hidden" or (name == "aria-hidden" and value == "true"):
            return True
        if name == "style" and value and _HIDDEN_STYLE.search(value):
            return True
    return False


# Markup the fast path cannot judge by its tags alone: subtrees to drop, hidden elements.
_NEEDS_PARSER = re.compile(
    r"<\s*(?:" + "|".join(sorted(_SKIP_TAGS | _CAPTION_TAGS)) + r")\b|hidden|display|visibility"
    r"|<!\[CDATA\[|<\?",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)(?:\s[^>]*)?/?>|<![^>]*>")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, one paragraph per line."""
    if "<" not in markup and "&" not in markup:
        text = markup  # plain text: nothing to parse
    elif "<" not in markup or not _NEEDS_PARSER.search(markup):
        # Ordinary feed markup (paragraphs, links, emphasis): tags out, blocks to lines.
        text = html.unescape(_TAG.sub(_tag_break, _COMMENT.sub("", markup)))
    else:
        parser = _TextExtractor()  # decodes entities itself (convert_charrefs)
        parser.feed(markup)
        parser.close()
        text = "".join(parser.parts)
    text = text.replace("\xa0", " ").replace("\u200b", "")
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _tag_break(match: re.Match[str]) -> str:
    return "\n" if (match.group(2) or "").lower() in _BLOCK_TAGS else ""


def one_line(markup: str) -> str:
    """A title: text without tags, entities decoded, on a single line."""
    return " ".join(html_to_text(markup).split())


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
    """The line without a closing "read more" link or a bracketed ellipsis."""
    return _TAIL.sub("", line).rstrip()


def clean_text(text: str, *, title: str = "") -> str:
    """Paragraphs of the article without page furniture and without a repeated headline."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
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
