"""Which written forms of a word count as the word: Arabic clitics and endings, English inflections.

Arabic glues conjunctions, prepositions and the article to the front of a word
(وبأذربيجان، للأرمن، فالكرملين) and nisba, plural and dual endings to its back
(أذربيجاني، الأرمنية، الأرمنيين). Stemmers mangle proper names, so instead a
keyword is matched as it is written and a hit is accepted only when the rest of
its word is an allowed prefix and suffix. Everything here works on normalized
text (see bot.core.normalize), as bytes of the matching alphabet.

A keyword spelling, as written in the catalog or by a reader:
- `باكو`: with any proclitic (وباكو، بباكو، وبباكو), no ending;
- `أذربيجان*`: also with derivation endings (أذربيجاني، الأذربيجانية، أذربيجانيين);
- `الكرملين`: starts with the article, so the article (or لل) must be there;
- `=آبل`: with conjunctions and prepositions but never the article (آبل the company,
  not الإبل the camels: hamza folding makes them one word);
- `Baku`, `Armenia*`: Latin keywords match whole words with -s/-es, and with `*`
  also -n, -an, -ian, -i, -e (Armenians, Azerbaijani, Palestine, Palestinian);
- `*شفيلي`, `*shvili`: a `*` in front matches the end of any word (a Georgian
  surname: إيفانيشفيلي، Garibashvili).

Theme words (common nouns, not names) also take the possessive pronouns
(أرباحها، إيراداتها، لقاحاتهم) and the accusative alef (أرباحاً): `theme_forms`,
which for a noun in ة adds its construct form (موازنة → موازنتها).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.core.normalize import decode_normalized, encode_normalized, normalize

ARTICLE = "ال"
# conjunction + preposition or future particle + article; ل + ال is written لل,
# and the future particle س goes only before verbs, so never before the article.
_AR_PREFIXES = frozenset(
    conj + ("لل" if prep == "ل" and art else prep + art)
    for conj, prep, art in itertools.product(
        ("", "و", "ف"), ("", "ب", "ك", "ل", "س"), ("", ARTICLE)
    )
    if not (prep == "س" and art)
)
_AR_ARTICLE_PREFIXES = frozenset(p for p in _AR_PREFIXES if p.endswith((ARTICLE, "لل")))
_AR_BARE_PREFIXES = _AR_PREFIXES - _AR_ARTICLE_PREFIXES
# ل + اللاذقية is written للاذقية: before a stem that starts with ل the article's
# ل merges with the preposition.
_AR_LAM_MERGED = frozenset(("ل", "ول", "فل"))
# nisba (ي يه يون يين يان يتان يتين يات), sound plurals and duals, feminine ه, and the
# accusative alef of the nisba (نفطياً، أذربيجانياً)
_AR_NISBA = ("ي", "يه", "يون", "يين", "يان", "يتان", "يتين", "يات", "يا")
_AR_ENDINGS = frozenset(("", *_AR_NISBA, "ه", "ون", "ين", "ان", "ات", "تان", "تين"))
# possessive pronouns, after the noun or after its sound feminine plural (إيراداتها)
_AR_PRONOUNS = ("ه", "ها", "هم", "هما", "هن", "نا", "كم")
_AR_WITH_PRONOUNS = frozenset((*_AR_PRONOUNS, *("ات" + p for p in _AR_PRONOUNS)))
# the accusative alef of an indefinite noun (أرباحاً، ارتفاعاً، لقاحاً)
_AR_ACCUSATIVE = frozenset(("ا",))
_EN_INFLECTIONS = frozenset(("", "s", "es"))
_EN_ENDINGS = _EN_INFLECTIONS | {"n", "ns", "an", "ans", "ian", "ians", "i", "is", "e"}


def _encoded(words: frozenset[str]) -> frozenset[bytes]:
    return frozenset(encode_normalized(w) or b"" for w in words)


_B_AR_PREFIXES = _encoded(_AR_PREFIXES)
PROCLITICS = _B_AR_PREFIXES - {b""}  # what may stand before an Arabic word, as bytes
_B_AR_ARTICLE_PREFIXES = _encoded(_AR_ARTICLE_PREFIXES)
_B_AR_BARE_PREFIXES = _encoded(_AR_BARE_PREFIXES)
_B_AR_LAM_ARTICLE_PREFIXES = _B_AR_ARTICLE_PREFIXES | _encoded(_AR_LAM_MERGED)
_B_AR_ENDINGS = _encoded(_AR_ENDINGS)
_B_EMPTY = frozenset((b"",))
_B_EN_INFLECTIONS = _encoded(_EN_INFLECTIONS)
_B_EN_ENDINGS = _encoded(_EN_ENDINGS)
_B_AR_PRONOUNS = _encoded(frozenset(_AR_PRONOUNS))
_B_AR_WITH_PRONOUNS = _encoded(_AR_WITH_PRONOUNS)
_B_AR_ACCUSATIVE = _encoded(_AR_ACCUSATIVE)
_TA_MARBUTA = (encode_normalized("ه") or b"")[0]
_TA = encode_normalized("ت") or b""


class _Anything(frozenset[bytes]):
    """Every prefix: the set of a spelling that ends a word (`*شفيلي`)."""

    def __contains__(self, item: object) -> bool:
        return True


ANYTHING = _Anything()


class SpellingError(ValueError):
    """A keyword spelling that cannot be matched (empty, or letters outside the alphabet)."""


@dataclass(frozen=True, slots=True)
class Form:
    """A spelling compiled for matching: the stem to search for and what may surround it."""

    spelling: str  # as written, e.g. "أذربيجان*"
    stem: bytes  # normalized, without the article the spelling starts with
    prefixes: frozenset[bytes]  # allowed in front of the stem, within its word
    suffixes: frozenset[bytes]  # allowed after the stem, within its word
    latin: bool

    def accepts(self, prefix: bytes, suffix: bytes) -> bool:
        return prefix in self.prefixes and suffix in self.suffixes

    def union(self, other: Form) -> Form:
        """One form for two spellings with the same stem (السعودية، سعودي*)."""
        either = self.prefixes is ANYTHING or other.prefixes is ANYTHING
        return Form(
            f"{self.spelling}|{other.spelling}",
            self.stem,
            ANYTHING if either else self.prefixes | other.prefixes,
            self.suffixes | other.suffixes,
            self.latin,
        )

    @property
    def text(self) -> str:
        """The normalized stem as text."""
        return decode_normalized(self.stem)


def compile_form(spelling: str, *, derivable: bool | None = None) -> Form:
    """Compile one spelling; `derivable` overrides the trailing `*`."""
    raw = spelling.strip()
    bare = raw.startswith("=")
    ending = raw.startswith("*")  # the end of any word
    star = raw.endswith("*")
    raw = raw.strip("=*").strip()
    derive = star if derivable is None else derivable
    norm = normalize(raw)
    if not norm:
        raise SpellingError(f"{spelling!r} has no letters to match")
    latin = norm[0].isascii()
    # Only a written bare ال is the article: ألبانيا (hamza) keeps its ال.
    article = not latin and raw.startswith(ARTICLE) and len(norm) > len(ARTICLE) + 1
    stem_text = norm[len(ARTICLE) :] if article else norm
    stem = encode_normalized(stem_text)
    if stem is None:
        raise SpellingError(f"{spelling!r} has letters the matcher does not know")
    if latin:
        prefixes = _B_EMPTY
        suffixes = _B_EN_ENDINGS if derive else _B_EN_INFLECTIONS
    else:
        if article:
            lam = stem_text.startswith("ل")
            prefixes = _B_AR_LAM_ARTICLE_PREFIXES if lam else _B_AR_ARTICLE_PREFIXES
        elif bare:
            prefixes = _B_AR_BARE_PREFIXES
        else:
            prefixes = _B_AR_PREFIXES
        suffixes = _B_AR_ENDINGS if derive else _B_EMPTY
    return Form(spelling, stem, ANYTHING if ending else prefixes, suffixes, latin)


def theme_forms(spelling: str) -> list[Form]:
    """A theme word's forms: the spelling, with the possessive pronouns when it has no
    article (أرباح → أرباحها، أرباحهم); a noun in ة also in its construct form
    (موازنة → موازنته، موازنتها)."""
    form = compile_form(spelling)
    if form.latin or form.prefixes != _B_AR_PREFIXES:  # English, or with the article
        return [form]
    pronouns = _B_AR_WITH_PRONOUNS if form.suffixes == _B_AR_ENDINGS else _B_AR_PRONOUNS
    endings = form.suffixes | pronouns | _B_AR_ACCUSATIVE
    forms = [Form(form.spelling, form.stem, form.prefixes, endings, False)]
    if form.stem[-1] == _TA_MARBUTA and b" " not in form.stem:
        construct = form.stem[:-1] + _TA
        forms.append(Form(form.spelling, construct, form.prefixes, _B_AR_PRONOUNS, False))
    return forms


def proclitics() -> frozenset[str]:
    """The Arabic proclitics a word may carry (و ف ب ك ل س, the article, together)."""
    return _AR_PREFIXES


def derivation_endings() -> frozenset[str]:
    """The Arabic endings a derivable name may carry (nisba, plurals, duals, feminine ه)."""
    return _AR_ENDINGS


def english_endings() -> frozenset[str]:
    """The English endings a derivable Latin name may carry (-s, -ian, -i…)."""
    return _EN_ENDINGS
