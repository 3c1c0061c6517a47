"""Random mutations of real feed files, for the fuzz test of the whole pipeline.

The samples are read from ``../shared/feeds/`` (never copied into the repository): the real
feeds there, in legacy encodings, RDF, xhtml Atom and broken prologs, and feedparser's own test
feeds. Every choice comes from the ``random.Random`` given, so a seed names a run exactly.

A mutant is one sample with one to four mutations stacked:

- blind ones: flipped bytes, a cut at a random point, a span duplicated or deleted, a hostile
  snippet inserted anywhere;
- aimed ones: a hostile snippet inside a title, a description or a summary (as markup, escaped or
  in CDATA), a whole hostile item (with a web link and words of a topic, so it reaches a digest),
  a hostile feed title, a hostile date, a swapped or false encoding declaration, the body
  re-encoded into a codec its declaration does not name, a feedparser sanitizer case grafted in
  as an item's description, the sample's titles and links republished as a JSON Feed (with
  escapes to no character in its strings);

and the Content-Type it is served with may name another charset than the body's.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache

from tests.paths import SHARED_FEEDS

MAX_BODY = 1024 * 1024  # a mutant never grows past this (the fetch cap in the test is above it)
REAL_SHARE = 0.6  # of the mutants, those made from the real feeds (the rest: feedparser's tests)

ARABIC = "أذربيجان وأرمينيا تتفقان في باكو على ترسيم الحدود بعد محادثات طويلة"
# Headlines that the topic catalog files somewhere, so injected items reach a digest.
BAIT = (
    "رئيس أذربيجان يزور باكو ويبحث ملف كاراباخ مع أرمينيا",
    "روسيا تقصف كييف والحرب في أوكرانيا تدخل عامها الرابع",
    "الهلال يفوز على النصر في الدوري السعودي لكرة القدم",
    "أسعار النفط ترتفع بعد قرار أوبك خفض الإنتاج",
    "إيران تعلن نتائج المفاوضات النووية في طهران",
    "Azerbaijan and Armenia sign a border deal in Baku",
    "Oil prices jump after OPEC cuts output",
    "Real Madrid beat Barcelona in the Champions League final",
)
# Bidi controls, zero-width characters (ZWNJ among them) and a BOM.
INVISIBLE = "\u202e\u202d\u202a\u202c\u2066\u2067\u2069\u200e\u200f\u061c\u200b\u200c\u200d\ufeff"
ENTITIES = (
    "&amp;", "&", "&&", "&#", "&#x", "&#;", "&#0;", "&#x0;", "&#xD800;", "&#55296;", "&#xDFFF;",
    "&#x110000;", "&#1114112;", "&#99999999999;", "&nbsp;", "&lt;", "&gt;", "&quot;", "&apos;",
    "&bogus;", "&#65;", "&#x41", "&lt", "&copy;", "&#x1F600;", "&#128512;", "&#x202E;", "&#8203;",
    "&#x7;", "&#27;", "&amp;lt;b&amp;gt;", "&lt;script&gt;", "&ouml;", "&Aacute;", "&#x2028;",
)  # fmt: skip
BAD_UTF8 = (
    b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xa0\xa1", b"\xe2\x28\xa1", b"\xe2\x82\x28",
    b"\xf0\x28\x8c\xbc", b"\xf0\x90\x28\xbc", b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xf4\x90\x80\x80",
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf8\x88\x80\x80\x80", b"\xd8", b"\xd9\x85\xd8",
)  # fmt: skip
ODD_ARABIC_CODECS = (
    "windows-1256", "iso-8859-6", "cp864", "cp720", "mac-arabic", "utf-16-le", "utf-16-be",
    "utf-16", "utf-32", "utf-7", "utf-8-sig",
)  # fmt: skip
DECLARED = (
    "utf-8", "UTF-8", "windows-1256", "iso-8859-6", "iso-8859-1", "windows-1252", "windows-1251",
    "gb2312", "big5", "shift_jis", "euc-kr", "koi8-r", "utf-16", "utf-16le", "utf-32", "utf-7",
    "ebcdic-cp-us", "cp037", "x-mac-arabic", "x-unknown-charset", "", "utf-8\x00", "😀",
)  # fmt: skip
CONTENT_TYPES = (
    "application/rss+xml; charset=utf-8",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "text/xml; charset=windows-1256",
    "application/rss+xml; charset=iso-8859-6",
    "application/xml; charset=iso-8859-1",
    "text/html; charset=utf-8",
    "text/plain",
    "application/octet-stream",
    "application/rss+xml; charset=utf-16",
    "application/xml; charset=x-bogus",
    "application/json",
    "application/rss+xml; charset=",
)
DATES = (
    "Mon, 01 Jan 0001 00:00:00 GMT", "0000-00-00T00:00:00Z", "9999-12-31T23:59:59Z",
    "Fri, 31 Dec 2999 23:59:59 +0000", "Tue, 20 Aug 2024 10:00:00 AST", "الثلاثاء، 20 أغسطس 2024",
    "1969-12-31T23:59:59-99:99", "2024-02-30T25:61:61Z", "-1", "1e309", "", "yesterday",
    "Tue, 20 Aug 2024 10:00:00 +2400", "2024-08-20T10:00:00+05:45", "٢٠٢٤-٠٨-٢٠",
    "Sun, 31 Dec 1899 23:59:60 GMT", "2038-01-19T03:14:08Z", "99999999999999999999",
)  # fmt: skip
TEXT_TAG = re.compile(
    rb"<(title|description|summary|subtitle|content(?::encoded)?|dc:description|name)\b[^<>]*>",
    re.IGNORECASE,
)
DATE_TAG = re.compile(
    rb"<(pubDate|published|updated|dc:date|issued|modified|created)\b[^<>]*>([^<]{0,80})</\1>",
    re.IGNORECASE,
)
JSON_TITLE = re.compile(rb"<title[^>]*>([^<]{1,300})</title>")
JSON_LINK = re.compile(rb"https?://[^\s\"'<>]{1,200}")
JSON_ESCAPES = (
    "\\ud800", "\\udfff", "\\udc00\\ud800", "\\ud83d", "\\ud83d\\ude00", "\\u0000",
    "\\u202e", "\\u200b", "\\\\ud800",
)  # fmt: skip
DECLARATION = re.compile(rb"<\?xml[^>]{0,200}\?>")
ENCODING = re.compile(rb"""encoding\s*=\s*["'][^"']{0,40}["']""")
SANITIZE_BODY = re.compile(
    rb"<(content|description|summary|title|info|tagline|copyright)\b[^>]*>(.*?)</\1>", re.DOTALL
)


@dataclass(frozen=True)
class Sample:
    name: str  # the path under ../shared/feeds
    body: bytes


@dataclass
class Mutant:
    sample: str
    body: bytes
    content_type: str
    steps: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.sample} [{'; '.join(self.steps)}] as {self.content_type!r}"


@cache
def real_feeds() -> tuple[Sample, ...]:
    return tuple(
        Sample(p.name, p.read_bytes())
        for p in sorted(SHARED_FEEDS.iterdir())
        if p.is_file() and p.suffix != ".md"
    )


@cache
def feedparser_tests() -> tuple[Sample, ...]:
    root = SHARED_FEEDS / "feedparser-tests"
    return tuple(
        Sample(str(p.relative_to(SHARED_FEEDS)), p.read_bytes())
        for p in sorted(root.rglob("*.xml"))
    )


@cache
def sanitizer_cases() -> tuple[bytes, ...]:
    """The hostile HTML of feedparser's sanitizer cases, as escaped in their feeds."""
    root = SHARED_FEEDS / "feedparser-tests" / "wellformed" / "sanitize"
    cases = []
    for path in sorted(root.glob("*.xml")):
        found = SANITIZE_BODY.search(path.read_bytes())
        if found and found.group(2).strip():
            cases.append(found.group(2))
    return tuple(cases)


def sample_files() -> int:
    return len(real_feeds()) + len(feedparser_tests())


# -- hostile snippets: each a function of the random source, returning bytes -------------------


def _text(rng: random.Random) -> str:
    return rng.choice((ARABIC, *BAIT))


def _deep_nesting(rng: random.Random) -> bytes:
    tag = rng.choice(("div", "b", "span", "a", "blockquote", "p", "table"))
    depth = rng.choice((100, 300, 2_000, 20_000))
    return (f"<{tag}>" * depth + _text(rng) + f"</{tag}>" * rng.choice((0, 1, depth))).encode()


def _unclosed(rng: random.Random) -> bytes:
    unit = rng.choice(("<a ", "<b>", "<!x", "<!--", "<![CDATA[", "<p", "<", "<?", "</", "<tg-"))
    return (_text(rng) + unit * rng.choice((1, 10, 1_000, 20_000))).encode()


def _giant_attribute(rng: random.Random) -> bytes:
    size = rng.choice((10_000, 100_000, 300_000))
    name = rng.choice(("title", "href", "src", "style", "alt"))
    filler = rng.choice(("x", "ب", '"', "&", "<", " "))
    return f'<img {name}="{filler * size}">{_text(rng)}'.encode()


def _entity_soup(rng: random.Random) -> bytes:
    soup = "".join(rng.choice(ENTITIES) for _ in range(rng.choice((5, 50, 2_000))))
    return (soup + _text(rng) + soup[:200]).encode()


def _invisible(rng: random.Random) -> bytes:
    words = _text(rng).split()
    return "".join(w + "".join(rng.sample(INVISIBLE, 3)) for w in words).encode()


def _nul(rng: random.Random) -> bytes:
    return b"\x00" * rng.choice((1, 3, 100)) + _text(rng).encode() + b"\x00"


def _bad_utf8(rng: random.Random) -> bytes:
    return b"".join(rng.choice(BAD_UTF8) for _ in range(rng.randint(1, 20)))


def _huge_title(rng: random.Random) -> bytes:
    word = rng.choice(("عنوان ", "عنوانبلامسافات", "😀", "Title ", "\u0627\u0651\u064b"))
    return (_text(rng) + " " + word * rng.choice((1_000, 20_000, 60_000))).encode()


def _links(rng: random.Random) -> bytes:
    return rng.choice(
        (
            b'<a href="javascript:alert(document.cookie)">\xd8\xa7\xd9\x86\xd9\x82\xd8\xb1</a>',
            b"javascript:alert(1)",
            b'<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
            b'<a href="tg://resolve?domain=evil">tg</a>',
            b'<a href=" JaVaScRiPt:alert(1)">x</a>',
            b'<a href="https://example.org/&quot;&gt;&lt;b&gt;">x</a>',
            b'<a href="https://example.org/x" onclick="alert(1)">x</a>',
            b'<a href="https://[::1/">x</a>',
            b'<a href="http://127.0.0.1:1/">x</a>',
        )
    )


def _script(rng: random.Random) -> bytes:
    return rng.choice(
        (
            b"<script>alert('x')</script>",
            b"<script>" + _text(rng).encode() + b"<!--",
            b"<style>body{background:url(javascript:alert(1))}</style>",
            b"<iframe src=javascript:alert(1)>",
            b"<svg onload=alert(1)><script>x</script>",
            b"<noscript><p>" + _text(rng).encode() + b"</p>",
        )
    )


def _telegram_markup(rng: random.Random) -> bytes:
    return rng.choice(
        (
            b"<b>\xd8\xba\xd8\xa7\xd9\x85\xd9\x82</i>",
            b"<tg-spoiler>",
            b"</a></b></blockquote>",
            b'<span class="tg-spoiler">s</span>',
            b"<blockquote expandable>q",
            b'<pre><code class="language-x">c</code>',
            b'<tg-emoji emoji-id="0">x</tg-emoji>',
            b"&quot;&lt;b&gt;bold&lt;/b&gt;&quot;",
            b"<a href='https://example.org'>",
        )
    )


def _odd_arabic(rng: random.Random) -> bytes:
    return _text(rng).encode(rng.choice(ODD_ARABIC_CODECS), "replace")


def _separators(rng: random.Random) -> bytes:
    parts = ("\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\r", "\r\n", "\x1c", "\x1e", "\t", " ")
    return "".join(rng.choice(parts) + w for w in _text(rng).split()).encode()


def _emoji(rng: random.Random) -> bytes:
    return ("😀🇸🇦👨‍👩‍👧" * rng.choice((10, 1_500))).encode()


SNIPPETS: tuple[Callable[[random.Random], bytes], ...] = (
    _deep_nesting,
    _unclosed,
    _giant_attribute,
    _entity_soup,
    _invisible,
    _nul,
    _bad_utf8,
    _huge_title,
    _links,
    _script,
    _telegram_markup,
    _odd_arabic,
    _separators,
    _emoji,
)


def snippet(rng: random.Random) -> tuple[bytes, str]:
    make = rng.choice(SNIPPETS)
    return make(rng), make.__name__.lstrip("_")


def _xml_escaped(data: bytes) -> bytes:
    return data.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def _wrapped(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """The snippet as it may sit in an element: raw markup, escaped, or in CDATA."""
    how = rng.choice(("raw", "escaped", "cdata"))
    if how == "escaped":
        return _xml_escaped(data), how
    if how == "cdata":
        return b"<![CDATA[" + data.replace(b"]]>", b"]]]]><![CDATA[>") + b"]]>", how
    return data, how


# -- mutations: each (rng, body) -> (body, what was done) ----------------------------------------


def flip_bytes(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    data = bytearray(body or b" ")
    flips = rng.randint(1, 16)
    for _ in range(flips):
        at = rng.randrange(len(data))
        data[at] = rng.randrange(256) if rng.random() < 0.5 else data[at] ^ (1 << rng.randrange(8))
    return bytes(data), f"flip {flips} bytes"


def truncate(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    cut = rng.randrange(len(body) + 1)
    return body[:cut], f"cut at {cut}"


def duplicate_span(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    start = rng.randrange(len(body) + 1)
    span = body[start : start + rng.randint(1, 16_384)]
    times = rng.choice((1, 2, 10))
    at = rng.randrange(len(body) + 1)
    return body[:at] + span * times + body[at:], f"dup {len(span)}x{times} at {at}"


def delete_span(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    start = rng.randrange(len(body) + 1)
    end = start + rng.randint(1, 8_192)
    return body[:start] + body[end:], f"del {start}:{end}"


def insert_anywhere(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    data, kind = snippet(rng)
    at = rng.randrange(len(body) + 1)
    return body[:at] + data + body[at:], f"{kind} at {at}"


def insert_in_text(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    tags = list(TEXT_TAG.finditer(body))
    if not tags:
        return insert_anywhere(rng, body)
    tag = rng.choice(tags)
    data, kind = snippet(rng)
    data, how = _wrapped(rng, data)
    at = tag.end()
    return body[:at] + data + body[at:], f"{kind} {how} in <{tag.group(1).decode()}>"


def inject_item(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    """A whole item with a web link and a topic's words, its title and text hostile."""
    title, kind_a = snippet(rng)
    text, kind_b = snippet(rng)
    if rng.random() < 0.3 and sanitizer_cases():
        text, kind_b = rng.choice(sanitizer_cases()), "sanitizer case"
    else:
        text, how = _wrapped(rng, text + b" " + _text(rng).encode())
        kind_b += f" {how}"
    bait = rng.choice(BAIT).encode()
    title = _xml_escaped(bait + b" " + title) if rng.random() < 0.7 else title + bait
    serial = rng.randrange(10**9)
    link = f"https://fuzz.example/{serial}".encode()
    atom = b"<entry" in body or b"<feed" in body
    date = rng.choice(DATES).encode() if rng.random() < 0.3 else _random_date(rng, atom=atom)
    if atom:
        item = (
            b"<entry><title type='html'>" + title + b"</title><link href='" + link + b"'/>"
            b"<id>" + link + b"</id><updated>" + date + b"</updated>"
            b"<content type='html'>" + text + b"</content></entry>"
        )
        anchors = (b"<entry", b"</feed>")
    else:
        item = (
            b"<item><title>" + title + b"</title><link>" + link + b"</link><guid>" + link
            + b"</guid><pubDate>" + date + b"</pubDate><description>" + text
            + b"</description></item>"
        )  # fmt: skip
        anchors = (b"<item", b"</channel>", b"</rdf:RDF>", b"</rss>")
    at = next((i for a in anchors if (i := body.find(a)) >= 0), len(body))
    return body[:at] + item + body[at:], f"item: title {kind_a}, text {kind_b}"


def _random_date(rng: random.Random, *, atom: bool) -> bytes:
    """A plausible date from 1991 to 2024: items days apart are filed as stories of their own,
    so each reaches the digest instead of hiding under another's headline."""
    moment = datetime(1991, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(34 * 365 * 86400))
    return (moment.isoformat() if atom else format_datetime(moment, usegmt=True)).encode()


def hostile_feed_title(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    found = re.search(rb"<title\b[^<>]*>", body)
    if not found:
        return insert_in_text(rng, body)
    end = body.find(b"</title>", found.end())
    end = end if end >= 0 else found.end()
    data, kind = snippet(rng)
    data, how = _wrapped(rng, data)
    return body[: found.end()] + data + body[end:], f"feed title {kind} {how}"


def hostile_date(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    dates = list(DATE_TAG.finditer(body))
    if not dates:
        return inject_item(rng, body)
    date = rng.choice(dates)
    value = rng.choice(DATES).encode()
    return body[: date.start(2)] + value + body[date.end(2) :], f"date {value!r}"


def swap_declaration(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    declared = rng.choice(DECLARED).encode("utf-8")
    found = DECLARATION.match(body.lstrip())
    if found and ENCODING.search(found.group()):
        new = ENCODING.sub(b'encoding="' + declared + b'"', found.group(), count=1)
        at = body.find(found.group())
        body = body[:at] + new + body[at + len(found.group()) :]
    elif found or rng.random() < 0.5:
        body = b'<?xml version="1.0" encoding="' + declared + b'"?>\n' + body
    else:
        boms = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xef\xbb\xbf" * 2)
        bom = rng.choice(boms)
        return bom + body, f"bom {bom!r}"
    return body, f"declared {declared!r}"


def reencode(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    """The text re-encoded in a codec the declaration (if any) does not name, Arabic added."""
    text = body.decode("utf-8", "replace")
    at = rng.randrange(len(text) + 1)
    text = text[:at] + ARABIC + text[at:]
    codec = rng.choice(ODD_ARABIC_CODECS)
    return text.encode(codec, rng.choice(("replace", "xmlcharrefreplace", "ignore"))), codec


def as_json_feed(rng: random.Random, body: bytes) -> tuple[bytes, str]:
    """The sample's titles and links republished as a JSON Feed, with hostile text and \\u
    escapes to no character (lone surrogates), a NUL or an RLO in its strings."""
    titles = [t.decode("utf-8", "replace") for t in JSON_TITLE.findall(body)[:30]]
    links = [u.decode("utf-8", "replace") for u in JSON_LINK.findall(body)[:30]]
    items, escapes = [], []
    for number, title in enumerate(titles or [_text(rng)]):
        hostile = snippet(rng)[0].decode("utf-8", "replace")
        escapes.append(rng.choice(JSON_ESCAPES))
        mark = f"@@{len(escapes) - 1}@@"  # becomes the raw escape once dumped
        link = links[number] if number < len(links) else f"https://fuzz.example/j{number}"
        items.append(
            {
                "id": f"{link}#{number}",
                "url": link + (mark if rng.random() < 0.2 else ""),
                "title": f"{title} {mark} {rng.choice(BAIT)}",
                "content_html" if rng.random() < 0.5 else "content_text": f"{hostile} {mark}",
                "date_published": rng.choice((*DATES, "2024-08-20T10:00:00Z")),
            }
        )
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "JSON", "items": items}
    text = json.dumps(feed, ensure_ascii=rng.random() < 0.5)
    for index, escape in enumerate(escapes):
        text = text.replace(f"@@{index}@@", escape)
    return text.encode("utf-8", "surrogatepass"), f"as JSON Feed ({len(items)} items)"


MUTATIONS: tuple[Callable[[random.Random, bytes], tuple[bytes, str]], ...] = (
    flip_bytes,
    truncate,
    duplicate_span,
    delete_span,
    insert_anywhere,
    insert_in_text,
    insert_in_text,
    inject_item,
    inject_item,
    hostile_feed_title,
    hostile_date,
    swap_declaration,
    reencode,
    as_json_feed,
)


def mutant(rng: random.Random) -> Mutant:
    """One sample with one to four mutations, and the Content-Type it is served with."""
    pool = real_feeds() if rng.random() < REAL_SHARE else feedparser_tests()
    sample = rng.choice(pool)
    body, steps = sample.body, []
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        mutate = rng.choice(MUTATIONS)
        changed, step = mutate(rng, body)
        if len(changed) > MAX_BODY:
            steps.append(f"({mutate.__name__}: too large, skipped)")
            continue
        body = changed
        steps.append(step)
    content_type = rng.choice(CONTENT_TYPES) if rng.random() < 0.4 else CONTENT_TYPES[0]
    return Mutant(sample.name, body, content_type, steps)
