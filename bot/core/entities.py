"""Who and what an article names: one id per entity across scripts and epithets.

The entity layer (templates/entities.toml) lists countries, offices, people,
institutions, places and news concepts, each with its Arabic and English spellings.
Offices are templates expanded for every country: «الرئيس الروسي», «رئيس روسيا» and
"Russian President" are the entity russia/president, which «بوتين» and "Putin" also
name. The spelling syntax, the normalizer and the matcher are the topic catalog's
(templates/topics.toml); the catalog's own names are not folded in: measured on the
development story set it changed nothing, and story filing should not move when topics
are retuned.

Matching is the topic matcher's (bot.core.matcher, bot.core.morphology): normalized
text, Arabic clitics and endings accepted around a spelling, the longest match wins. A
few Latin acronyms ("US", "UK") are matched case-sensitively on the raw text, where
"us" is a pronoun.
"""

from __future__ import annotations

import re
import tomllib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import cython  # type: ignore[import-untyped]  # (cython.compiled: see _entity_numbers)

from bot.core.matcher import Matcher
from bot.core.morphology import ARTICLE, Form, SpellingError, compile_form
from bot.core.normalize import decode_normalized, normalize, normalize_bytes

KINDS = ("country", "place", "person", "org", "concept")
DEFAULT_PATH = Path(__file__).resolve().parents[2] / "templates" / "entities.toml"
_OTHER = b"\x00"  # a letter outside the matching alphabet in normalized bytes: in no spelling
_COMPILED = not __file__.endswith(".py")  # (setup.py)


class EntityError(ValueError):
    """The entity file is malformed; the message names the entry."""


@dataclass(frozen=True, slots=True)
class Entity:
    number: int
    id: str  # "russia", "russia/president", "iaea", "concept:earthquake"
    kind: str
    country: str | None  # the country it belongs to (a country: itself)
    label: str  # how explanations name it


class Mention(NamedTuple):
    entity: Entity
    text: str  # the words it was found in, normalized («للروس»)
    epithet: bool
    in_title: bool
    start: int = 0  # where those words are in the normalized headline or lead
    end: int = 0


@dataclass
class _Draft:
    id: str
    kind: str
    country: str | None
    label: str = ""
    names: list[str] | None = None
    epithets: list[str] | None = None

    def add(self, spellings: Iterable[str], *, epithet: bool = False) -> None:
        target = self.epithets if epithet else self.names
        if target is None:
            target = []
            if epithet:
                self.epithets = target
            else:
                self.names = target
        target.extend(s for s in spellings if s and s not in target)


class Entities:
    """The compiled entity layer: finds the entities a headline and lead name."""

    def __init__(self, drafts: Iterable[_Draft], acronyms: Mapping[str, str]) -> None:
        self.entities: list[Entity] = []
        self._by_id: dict[str, Entity] = {}
        # Spellings of one entity that share a stem are one form (الحدود، حدود): one mention.
        forms: dict[tuple[bytes, int, bool], Form] = {}
        for draft in drafts:
            entity = Entity(len(self.entities), draft.id, draft.kind, draft.country, draft.label)
            self.entities.append(entity)
            self._by_id[entity.id] = entity
            for epithet, spellings in ((False, draft.names or []), (True, draft.epithets or [])):
                for spelling in spellings:
                    try:
                        form = compile_form(spelling)
                    except SpellingError as exc:
                        raise EntityError(f"{draft.id}: {exc}") from exc
                    key = (form.stem, entity.number, epithet)
                    forms[key] = forms[key].union(form) if key in forms else form
        self._matcher: Matcher[tuple[int, bool]] = Matcher(
            (form, (number, epithet)) for (_, number, epithet), form in forms.items()
        )
        self.countries: list[str | None] = [e.country for e in self.entities]  # by number
        self._numbers = _number_table(self._matcher)
        self._acronyms = {a: self._by_id[e] for a, e in acronyms.items() if e in self._by_id}
        # Most texts name no acronym: `_any_acronym` says so in one pass in C, where the
        # lookbehind of the pattern makes its regex try every position of the text.
        self._acronym_words = tuple(self._acronyms)  # in the pattern's order
        self._acronym_entities = [self._acronyms[a].number for a in self._acronym_words]
        self._acronym_letters = bytes(  # their first letters, by ASCII code
            any(a.startswith(chr(code)) for a in self._acronyms) for code in range(128)
        )
        # The same letters in normalized bytes (lowercase): a text without them in its
        # normalization has none in it either.
        self._acronym_bytes = bytes(
            any(a[:1].lower() == chr(code) for a in self._acronyms) for code in range(256)
        )
        self._acronym_re = (
            re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, self._acronyms)) + r")(?![\w])")
            if self._acronyms
            else None
        )
        # Compiled, and with every acronym starting with an ASCII letter, acronyms are found
        # by the C scan (`_acronym_at`); otherwise by the regexes, faster in plain Python.
        self._acronym_quick = (
            self._acronym_re is not None
            and _COMPILED
            and all(a[:1].isascii() and a[:1].isalpha() for a in self._acronyms)
        )
        # What `find_numbers_padded` reads for each article, fetched at once: one
        # attribute lookup, the rest side by side in a tuple. (The entities' own numbers:
        # a match appends one of them rather than a new int object, which most numbers,
        # past 256, would be. And whether the quick check of acronyms' letters applies.)
        self._scan = (
            self._matcher.raw_matches(),
            self._matcher,
            self._numbers,
            self._acronym_bytes,
            [e.number for e in self.entities],
            self._acronym_quick,
            self._acronym_letters,
            self._acronym_words,
            self._acronym_entities,
        )
        # Without `_any_acronym` (uncompiled): a plain alternation says no sooner.
        self._acronym_hint = (
            re.compile("|".join(map(re.escape, self._acronyms))) if self._acronyms else None
        )

    def __len__(self) -> int:
        return len(self.entities)

    def __getitem__(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    def get(self, entity_id: str) -> Entity | None:
        return self._by_id.get(entity_id)

    def find(self, title: str, lead: str = "") -> list[Mention]:
        """Every entity mention in the headline, then the lead."""
        return self.find_normalized(
            title,
            normalize_bytes(title) if title else b"",
            lead,
            normalize_bytes(lead) if lead else b"",
        )

    def find_normalized(
        self, title: str, title_bytes: bytes, lead: str = "", lead_bytes: bytes = b""
    ) -> list[Mention]:
        """`find`, given each text with its `normalize_bytes` (computed once by a caller
        that needs it too)."""
        mentions: list[Mention] = []
        new = tuple.__new__  # a Mention without its Python-level constructor
        for text, normalized, in_title in ((title, title_bytes, True), (lead, lead_bytes, False)):
            if not text:
                continue
            padded = b" " + normalized + b" "
            matches = self._matcher.scan(padded)
            if matches:
                entities, decoded = self.entities, decode_normalized(padded)  # a byte a letter
                rfind, find = padded.rfind, padded.find
                for (number, epithet), start, end in matches:
                    # the whole words, clitics and endings included: «للروس», not «روس»
                    first, last = rfind(b" ", 0, start) + 1, find(b" ", end)
                    mentions.append(
                        new(
                            Mention,
                            (
                                entities[number],
                                decoded[first:last],
                                epithet,
                                in_title,
                                first - 1,
                                last - 1,
                            ),
                        )
                    )
            mentions += self._acronym_mentions(text, in_title)
        return mentions

    def find_numbers(
        self, title: str, title_bytes: bytes, lead: str = "", lead_bytes: bytes = b""
    ) -> tuple[list[int], list[int]]:
        """The entity numbers of `find_normalized`'s mentions, in its order, in the headline
        and in the lead: what story filing counts, without building the mentions."""
        return self.find_numbers_padded(
            title, b" " + title_bytes + b" ", lead, b" " + lead_bytes + b" "
        )

    def find_numbers_padded(
        self, title: str, title_padded: bytes, lead: str = "", lead_padded: bytes = b""
    ) -> tuple[list[int], list[int]]:
        """`find_numbers`, given each text's `normalize_padded`: both texts in one scan of
        the automaton, its raw matches read in C (`_entity_numbers`), no match built."""
        return numbers_padded(self, title, title_padded, lead, lead_padded)

    def _has_acronym(self, text: str) -> bool:
        """Whether `_acronym_re` matches somewhere in `text`."""
        if self._acronym_re is None or self._acronym_hint is None:
            return False
        if self._acronym_quick:
            return _any_acronym(text, self._acronym_letters, self._acronym_words)
        return bool(self._acronym_hint.search(text) and self._acronym_re.search(text))

    def _acronym_numbers(self, text: str) -> list[int]:
        """The entity numbers of `_acronym_mentions`, without building them."""
        if self._acronym_re is None:
            return []
        acronyms = self._acronyms
        return [acronyms[match[1]].number for match in self._acronym_re.finditer(text)]

    def _acronym_mentions(self, text: str, in_title: bool) -> list[Mention]:
        """The acronyms ("US", "UK") in the raw text, matched case-sensitively."""
        if self._acronym_re is None or not self._has_acronym(text):  # (most texts: a quick no)
            return []
        return [
            Mention(self._acronyms[match[1]], match[1], False, in_title)
            for match in self._acronym_re.finditer(text)
        ]


def numbers_padded(
    entities: Entities, title: str, title_padded: bytes, lead: str = "", lead_padded: bytes = b""
) -> tuple[list[int], list[int]]:
    """`Entities.find_numbers_padded`: a function, which story features calls in C
    (entities.pxd), not a method looked up and called through Python."""
    in_title: list[int] = []
    in_lead: list[int] = []
    if title and lead:
        # No spelling holds the placeholder byte, so no match spans it; the offsets
        # before it are the headline's.
        text = _joined(title_padded, lead_padded)
        boundary = len(title_padded)
    elif title or lead:
        text = title_padded if title else lead_padded
        boundary = len(text) if title else 0
    else:
        return in_title, in_lead
    matches, matcher, table, acronym_bytes, numbers, quick, letters, words, named = entities._scan
    raw = matches(text)
    if raw:
        _entity_numbers(matcher, table, numbers, raw, text, boundary, in_title, in_lead)
    if quick:  # (the usual case: no method call, no regex)
        if not _any_byte(text, acronym_bytes):  # (most: no Latin letter at all)
            return in_title, in_lead
        if title:
            _add_acronyms(title, letters, words, named, in_title)
        if lead:
            _add_acronyms(lead, letters, words, named, in_lead)
    elif entities._acronym_re is not None:
        if title and entities._has_acronym(title):
            in_title += entities._acronym_numbers(title)
        if lead and entities._has_acronym(lead):
            in_lead += entities._acronym_numbers(lead)
    return in_title, in_lead


if not cython.compiled:  # (compiled, `_accept` is matcher's C function: entities.pxd)
    from bot.core.matcher import _accept

    def _joined(first: bytes, second: bytes) -> bytes:
        """`first + _OTHER + second`; compiled, one bytes object made and filled in C."""
        return first + _OTHER + second

    def _prefetch(address: object) -> None:
        """Compiled, the C compiler's prefetch (entities.pxd); plain, nothing."""


def _number_table(matcher: Matcher[tuple[int, bool]]) -> array[int]:
    """Per pattern of the matcher, two ints: where the space before its word is from the
    match's start, and what a whole-word match names: its one entity's number, -1 when
    the match must be checked (`Matcher.accept`), or -2 - i for several entities
    (`Matcher.whole_words[i]`). One flat C array, as the matcher's own table."""
    table = array("i")
    values = matcher.whole_words
    for _offset, edge, _tail, _stem, whole in matcher.entries:
        if whole < 0:
            code = -1
        elif len(values[whole]) == 1:
            code = values[whole][0][0]
        else:
            code = -2 - whole
        table.append(edge)
        table.append(code)
    return table


def _entity_numbers(
    matcher: Matcher[tuple[int, bool]],
    table: array[int],
    numbers: list[int],
    raw: list[tuple[int, int, int]],
    text: bytes,
    boundary: int,
    in_title: list[int],
    in_lead: list[int],
) -> None:
    """`Matcher.scan`'s loop over the automaton's raw matches, keeping only the entity
    numbers (the objects of `numbers`, by number): appended to `in_title` for a match
    before `boundary`, else to `in_lead` (typed for Cython in entities.pxd)."""
    # Compiled, the table's C ints are read through a pointer: a typed buffer view would
    # be acquired and checked on each call, which costs more than the loop.
    codes = table.data.as_ints if cython.compiled else table  # type: ignore[attr-defined]
    if cython.compiled:  # each match's entry asked for ahead (a prefetch, in C)
        for match in raw:
            pid = match[0]  # (compiled, a C integer: no int object for pid * 2)
            _prefetch(cython.address(codes[pid * 2]))
    for pid, start, end in raw:
        found = in_title if start < boundary else in_lead
        at = pid * 2
        code = codes[at + 1]
        # Most matches are a whole word that names one entity.
        if code != -1 and text[start + codes[at]] == 32 and text[end] == 32:  # 32: a space
            if code >= 0:
                found.append(numbers[code])
            else:
                for number, _epithet in matcher.whole_words[-2 - code]:
                    found.append(number)
        else:
            accepted: list[tuple[tuple[int, bool], int, int]] = []
            _accept(matcher, text, pid, start, end, accepted)  # (`Matcher.accept`, in C)
            for value, _start, _end in accepted:
                found.append(value[0])


def _any_byte(data: bytes, mask: bytes) -> bool:
    """Whether a byte of `data` is set in `mask` (256 bytes); a loop in C when compiled,
    over both buffers (entities.pxd: no bounds checked)."""
    text, table = data, mask  # compiled, their C buffers
    for at in range(len(data)):  # noqa: SIM110 (not any(): compiled, no generator)
        if table[text[at]]:
            return True
    return False


def _any_acronym(text: str, letters: bytes, acronyms: tuple[str, ...]) -> bool:
    """Whether `(?<![\\w.])(acronym|…)(?![\\w])` matches in `text` (`_acronym_at`)."""
    return _acronym_at(text, letters, acronyms, 0) >= 0


def _acronym_at(text: str, letters: bytes, acronyms: tuple[str, ...], start: int) -> int:
    """Where the first match of `(?<![\\w.])(acronym|…)(?![\\w])` from `start` on is in
    `text`, or -1: at a character whose ASCII code is set in `letters` (128 bytes: the
    acronyms' first letters), after no word character (`\\w`: alphanumeric or _) nor
    dot, an acronym followed by no word character (`_acronym_here`). Compiled
    (entities.pxd), a loop over C characters; most texts: no such letter."""
    at = start - 1
    for ch in text[start:]:  # (compiled, iterating is cheaper than indexing; no copy)
        at += 1
        code = ord(ch)
        if code >= 128 or not letters[code]:
            continue
        if at > 0:
            before = text[at - 1]
            if before.isalnum() or before == "_" or before == ".":
                continue
        if _acronym_here(text, acronyms, at) >= 0:
            return at
    return -1


def _acronym_here(text: str, acronyms: tuple[str, ...], at: int) -> int:
    """Which of `acronyms` the pattern's alternation matches at `at` (the first followed
    by no word character), or -1."""
    size = len(text)
    index = 0
    for acronym in acronyms:
        end = at + len(acronym)
        if text.startswith(acronym, at) and (
            end >= size or not (text[end].isalnum() or text[end] == "_")
        ):
            return index
        index += 1  # noqa: SIM113 (compiled, enumerate() makes a tuple an acronym)
    return -1


def _add_acronyms(
    text: str, letters: bytes, acronyms: tuple[str, ...], numbers: list[int], found: list[int]
) -> None:
    """Append to `found` the entity number (`numbers`, by acronym) of each match of the
    acronyms' pattern in `text`, in order: `Entities._acronym_numbers` without the regex,
    whose lookbehind makes it try every position of the text."""
    at = _acronym_at(text, letters, acronyms, 0)
    while at >= 0:
        index = _acronym_here(text, acronyms, at)
        found.append(numbers[index])
        at = _acronym_at(text, letters, acronyms, at + len(acronyms[index]))


def as_written(text: str, mention: Mention) -> str:
    """The words of `text` (the headline or lead, as written) a mention was found in."""
    if mention.end <= mention.start:
        return mention.text
    words, at = [], 0
    for token in text.split():
        folded = normalize(token)
        if not folded:
            continue
        if at < mention.end and at + len(folded) > mention.start:
            words.append(token.strip("«»\"'()[]،,.:;!?؟-–"))
        at += len(folded) + 1
    return " ".join(words) or mention.text


def expand_roles(
    roles: Mapping[str, Mapping[str, list[str]]], country: Mapping[str, str]
) -> Iterator[tuple[str, list[str]]]:
    """(role, spellings) of every office template filled in for one country."""
    values = {
        "ar": _split(country.get("ar", "")),
        "en": _split(country.get("en", "")),
        "en_adj": _split(country.get("en_adj", "")),
        "adj": [_with_article(a) for a in _split(country.get("adj", ""))],
        "adj_f": [_with_article(a, feminine=True) for a in _split(country.get("adj", ""))],
    }
    for role, templates in roles.items():
        spellings: list[str] = []
        for template in (*templates.get("ar", []), *templates.get("en", [])):
            keys = re.findall(r"{(\w+)}", template)
            if any(not values.get(k) for k in keys):
                continue
            filled = [template]
            for key in dict.fromkeys(keys):
                filled = [f.replace("{" + key + "}", v) for f in filled for v in values[key]]
            spellings += filled
        yield role, spellings


def _split(value: object) -> list[str]:
    if not isinstance(value, str):
        raise EntityError(f"expected a string of spellings, got {value!r}")
    return [s.strip() for s in value.split("|") if s.strip()]


def _with_article(adjective: str, *, feminine: bool = False) -> str:
    """الروسي from روسي; الكورية الجنوبية from كوري جنوبي."""
    ending = "ة" if feminine else ""
    return " ".join(ARTICLE + word + ending for word in adjective.split())


def _drafts(data: Mapping[str, object]) -> list[_Draft]:
    roles = data.get("role", {})
    countries = data.get("country", {})
    if not isinstance(roles, dict) or not isinstance(countries, dict):
        raise EntityError("[role] and [country] must be tables")
    drafts: dict[str, _Draft] = {}

    def draft(entity_id: str, kind: str, country: str | None) -> _Draft:
        if entity_id not in drafts:
            drafts[entity_id] = _Draft(entity_id, kind, country)
        return drafts[entity_id]

    for country_id, fields in countries.items():
        country = draft(country_id, "country", country_id)
        country.label = _split(fields.get("en", country_id))[0]
        country.add(_split(fields.get("ar", "")) + _split(fields.get("en", "")))
        for adjective in _split(fields.get("adj", "")):
            if " " in adjective:
                country.add([_with_article(adjective), _with_article(adjective, feminine=True)])
            else:
                country.add([adjective + "*"])
        country.add(_split(fields.get("en_adj", "")))
        if "capital" in fields:
            capital = draft(f"{country_id}/capital", "place", country_id)
            capital.add(_split(fields["capital"]))
            capital.label = _split(fields["capital"])[-1]
        for role, spellings in expand_roles(roles, fields):
            office = draft(f"{country_id}/{role}", "person", country_id)
            office.add(spellings, epithet=True)
            office.label = office.label or f"{country.label}/{role}"
    for kind in ("place", "person", "org"):
        table = data.get(kind, {})
        if not isinstance(table, dict):
            raise EntityError(f"[{kind}] must be a table")
        for entity_id, fields in table.items():
            if not isinstance(fields, dict) or "names" not in fields:
                raise EntityError(f"{kind} {entity_id}: needs names")
            owner = fields.get("of")
            if owner is not None and owner not in countries:
                raise EntityError(f"{kind} {entity_id}: unknown country {owner!r}")
            office_of = fields.get("role")
            if office_of is not None and (office_of not in roles or owner is None):
                raise EntityError(f"{kind} {entity_id}: role {office_of!r}: unknown, or no `of`")
            target = draft(f"{owner}/{office_of}" if office_of else entity_id, kind, owner)
            names = _split(fields["names"])
            latin = [n for n in names if n.isascii()]
            target.label = (latin or names)[-1 if len(latin) > 1 else 0]
            target.add(names)
            target.add(_split(fields.get("epithets", "")), epithet=True)
    concepts = data.get("concept", {})
    if not isinstance(concepts, dict):
        raise EntityError("[concept] must be a table")
    for concept_id, spellings in concepts.items():
        concept = draft(f"concept:{concept_id}", "concept", None)
        concept.label = concept_id.replace("_", " ")
        concept.add(_split(spellings))
    return list(drafts.values())


@lru_cache(maxsize=4)
def load_entities(path: Path = DEFAULT_PATH) -> Entities:
    """The entity layer from `path` (compiled once per process: about a second)."""
    with path.open("rb") as f:
        data = tomllib.load(f)
    drafts = _drafts(data)
    acronyms = data.get("acronym", {})
    if not isinstance(acronyms, dict):
        raise EntityError("[acronym] must be a table")
    return Entities(drafts, {str(k): str(v) for k, v in acronyms.items()})
