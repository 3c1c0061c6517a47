"""What story filing compares: an article's headline and lead as features that survive rewording.

- entities: who and what it names, one id across scripts and epithets
  (bot.core.entities), headline mentions counted twice;
- countries: the countries those entities belong to (an article naming only other
  countries than a story is another event);
- words: the normalized words of three letters or more, headline counted twice, each
  without a proclitic that ends in the article (bot.core.morphology: وبالنفط، النفط،
  للنفط → نفط), so clitics and the spellings normalization folds (hamza, ة/ه, ى/ي,
  diacritics) do not hide a shared word. Compared only between articles in the same
  script. (Character 4-grams measured no better on the development set, at ten times
  the cost.);
- numbers: 5.4, 28.5, 4800, 400000 («400 ألف» and "400,000" alike), whatever the
  digits; years and lone digits are too common to count.

Cost: `features` runs once per article filed, on ~190 characters of headline and lead.
Compiled (setup.py; C types in story_features.pxd and entities.pxd), each text is
normalized once (folding.fold_padded, called in C), padded as the entity automaton
scans it; headline and lead go through the automaton in one call, its raw matches read
in C; one pass over each text's bytes splits the words and notes a digit, and each word
is looked up by its bytes in a table of its own (`_SLOTS`: the word and its bare form
in one 32-byte slot), its proclitic stripped only when it is new; numbers are scanned
only where a digit is, and acronyms only where their letters are. Filing runs features()
between the index's own work, which evicts features' tables from the caches: the cost
there is memory more than instructions, so the words' slots and their bare forms, and
the entity table's entries of a scan's matches, are prefetched a chunk at a time before
they are read. On bench/stories.py's articles (issue 11, third round; side by side with
the second round's build on a busy machine, best runs): 11 µs an article alone (15 µs
before), 20 µs inside filing (29 µs before); in instructions, inside filing of the first
1,000 articles, 0.082 million an article (0.105 before), with a fifth fewer L1 data
misses and a third fewer write misses past a 1 MB cache (callgrind's simulation).
Since then (seventh round), fewer Python objects are made and freed an article, since
allocating and freeing them is what filing's misses are, and fewer calls go through
Python: each Counter is filled where it is, not copied from a dict filled first, and
made by dict's constructor in C; the Features' slots are set by their C setters; a
headline's words so far are C pointers and hashes, not a set; an article's entity
mentions are counted in C arrays; a new word has only its bare form decoded, in C; a
word is hashed as its bytes are read; a number once parsed and formatted is looked up;
the entity scan is a C function that calls the automaton's own method, joins headline
and lead in C, appends the entities' own int objects and finds acronyms without the
regex. hours() reads a UTC datetime's fields in C. In callgrind's estimated cycles
(bench/instructions.py stories --cache: instructions, 10 a first-level miss, 100 a
last-level one), inside filing of the first 1,000 articles: features() 87K an article
(116K before), hours() 0.5K (4.3K). Of what is left, the automaton's call is 23K (its
scan in Rust, ~15K, and its list of matches), counting the words into their Counter
~9K of dict operations, and words new to the cache ~7K in those first 1,000 articles
(fewer later). Uncompiled, the loops over characters and bytes give way to str, bytes
and re methods that run in C.
"""

from __future__ import annotations

import codecs
import re
from collections import (  # type: ignore[attr-defined]
    Counter,
    _count_elements,  # Counter.update's loop, in C
)
from dataclasses import dataclass
from datetime import UTC, datetime, timezone
from typing import TypeVar

import cython  # type: ignore[import-untyped]  # (its C arrays and prefetch: `_add_words`)

from bot.core import folding
from bot.core.entities import Entities, numbers_padded
from bot.core.folding import fold_padded
from bot.core.morphology import proclitics
from bot.core.normalize import (
    FOLDING_TABLE,
    REMOVED_MARK,
    decode_normalized,
    normalize,
    normalize_bytes,
    normalize_padded,
)

TITLE_WEIGHT = 2
# The proclitics that end in the article (ال، وال، بال، لل…): a word that has one is a noun
# that also appears without it, while a bare و or ب may be the word's own first letter.
_PROCLITICS = sorted(
    {normalize(p) for p in proclitics() if p.endswith(("ال", "لل"))}, key=len, reverse=True
)
_CACHE_SIZE = 200_000
_OTHER = b"\x00"  # a letter outside the matching alphabet, in normalized bytes
_BLANK = b"  "  # `normalize_padded` of an empty text
_T = TypeVar("_T")
# Compiled (setup.py), the loops over characters and bytes below run in C; as plain
# Python each takes the way through str, bytes and re methods instead, as fast there.
_COMPILED = not __file__.endswith(".py")
_FOLD_IN_C = _COMPILED and folding.COMPILED  # (else normalize_padded's own choice)
_FOLDING_TABLE = FOLDING_TABLE
_REMOVED_MARK = REMOVED_MARK
_DIGIT = re.compile(r"[0-9٠-٩۰-۹]")  # what `_has_digit` looks for
_EASTERN = re.compile("[٠-٩۰-۹٫]")  # what _DIGITS translates
_DECIMAL = re.compile(r"\d")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹٫", "01234567890123456789.")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+")
_NONE: frozenset[str] = frozenset()
_NOT_STATED = ""  # (`_add_number`: not in its cache; a number is never empty)
_SCALES = ("ألف", "آلاف", "الف", "مليون", "ملايين", "مليار", "thousand", "million", "billion")
assert {s[0] for s in _SCALES} == set("أآامtmb")  # (what `_number_at` looks for first)
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)\s*(" + "|".join(_SCALES) + ")?")
_SCALE = {"ألف": 1e3, "آلاف": 1e3, "الف": 1e3, "thousand": 1e3, "مليون": 1e6, "ملايين": 1e6,
          "million": 1e6, "مليار": 1e9, "billion": 1e9}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Features:
    script: str  # "ar" or "latin"
    entities: Counter[int]  # entity number -> mentions (headline twice), first mention first
    countries: frozenset[str]
    words: Counter[str]
    numbers: frozenset[str]


def features(title: str, lead: str, entities: Entities) -> Features:
    # Each text is normalized once, padded as the matcher scans it, for the entities and
    # the words alike; the words, their counts and whether a digit is there come from one
    # compiled pass over those bytes. Only what a comparison reads is built: the mentions
    # themselves (`Entities.find`) are found again when an explanation needs them.
    title_padded = _padded(title) if title else _BLANK
    lead_padded = _padded(lead) if lead else _BLANK
    in_title, in_lead = numbers_padded(entities, title, title_padded, lead, lead_padded)
    # Each Counter is filled where it is (a dict subclass: `_counts` reads it as a dict),
    # not copied from a dict filled first.
    counts: Counter[int] = _new_counter(Counter)
    _entity_counts(in_title, in_lead, _counts(counts))
    country_of = cython.declare(list, entities.countries)  # (compiled, read as a list)
    named = [c for n in _counts(counts) if (c := country_of[cython.cast(cython.Py_ssize_t, n)])]
    countries = frozenset(named) if named else _NONE
    found: Counter[str] = _new_counter(Counter)
    digits = _add_words(lead, lead_padded, _counts(found), False)
    digits = _add_words(title, title_padded, _counts(found), True) or digits
    return _features(
        script(title or lead),
        counts,
        countries,
        found,
        numbers(f"{title}\n{lead}") if digits else _NONE,
    )


def _counts(counter: Counter[_T]) -> dict[_T, int]:
    """The Counter as the dict it is: compiled, a cast that lets a function typed for a
    dict (story_features.pxd) take it without a check for the exact type."""
    counts: dict[_T, int] = cython.cast(dict, counter)
    return counts


def _padded(text: str) -> bytes:
    """`normalize_padded(text)`. Compiled, the one pass of folding.fold_padded is called
    in C, without normalize_padded's Python frame around it."""
    if _FOLD_IN_C:
        data = fold_padded(text, _FOLDING_TABLE, _REMOVED_MARK)
        if data is not None:
            return data
    return normalize_padded(text)


if not cython.compiled:

    def _prefetch(address: object) -> None:
        """Compiled, the C compiler's prefetch (story_features.pxd); plain, nothing."""

    _size = len  # (compiled, the dict's size read in C: story_features.pxd)

    def _holds_zero(data: bytes, size: int) -> bool:
        """Whether a byte of `data[:size]` is 0; compiled, C's memchr."""
        return b"\x00" in data[:size]

    def _decoded(data: bytes, start: int, end: int, letters: str) -> str:
        """`data[start:end]` decoded by `letters` (a character a byte); compiled, the
        bytes decoded where they are, in C (story_features.pxd)."""
        return codecs.charmap_decode(data[start:end], "strict", letters)[0]


# What the frozen dataclass's __init__ does through five object.__setattr__ calls at
# Python level, which cost more than the rest of `_features`: each field's slot
# descriptor, whose setter is called directly.
_SCRIPT, _ENTITIES, _COUNTRIES, _WORDS, _NUMBERS = (
    getattr(Features, name) for name in ("script", "entities", "countries", "words", "numbers")
)

if not cython.compiled:  # (compiled, all three are C: story_features.pxd)
    _new_object = object.__new__
    _new_counter = Counter.__new__  # (a Counter without its Python-level constructor)

    def _set_slot(descriptor: object, made: Features, value: object) -> None:
        """`descriptor.__set__(made, value)`: compiled, its C setter called directly."""
        descriptor.__set__(made, value)  # type: ignore[attr-defined]


def _features(
    script: str,
    entities: Counter[int],
    countries: frozenset[str],
    words: Counter[str],
    numbers: frozenset[str],
) -> Features:
    """`Features(script, entities, countries, words, numbers)`, built without its __init__
    (tests/core/test_story_features.py checks that they are equal, field for field)."""
    made: Features = _new_object(Features)
    _set_slot(_SCRIPT, made, script)
    _set_slot(_ENTITIES, made, entities)
    _set_slot(_COUNTRIES, made, countries)
    _set_slot(_WORDS, made, words)
    _set_slot(_NUMBERS, made, numbers)
    return made


def script(text: str) -> str:
    """ "ar" when at least a third of the letters are Arabic, else "latin"."""
    if not _COMPILED:
        sample = text[:200]
        # U+0600..U+06FF are the two-byte UTF-8 sequences led by D8..DB: counted in C
        utf8 = sample.encode("utf-8", "surrogatepass")
        arabic = sum(map(utf8.count, (b"\xd8", b"\xd9", b"\xda", b"\xdb")))
        return "ar" if arabic * 3 > len(sample) - sample.count(" ") else "latin"
    size = min(len(text), 200)  # the first 200 characters
    arabic = spaces = 0
    for ch in text[:size]:  # (compiled, a loop over C characters: no copy, no indexing)
        code = ord(ch)
        if code == 32:
            spaces += 1
        elif 0x600 <= code <= 0x6FF:
            arabic += 1
    return "ar" if arabic * 3 > size - spaces else "latin"


def words(text: str) -> Counter[str]:
    """The words of three letters or more, normalized, without their proclitics."""
    found: Counter[str] = _new_counter(Counter)
    _add_words(text, normalize_padded(text) if text else _BLANK, _counts(found), False)
    return found


def _entity_counts(in_title: list[int], in_lead: list[int], counts: dict[int, int]) -> None:
    """Entity number -> mentions into `counts` (empty), a headline's counted TITLE_WEIGHT
    times, in the order of first mention (as `Counter.update` with the headline's twice,
    then the lead's).

    Compiled, an article's few mentions are counted in C arrays, each entity then put in
    `counts` once (no lookup a mention); more than they hold take the general way."""
    if not _COMPILED or len(in_title) + len(in_lead) > 64:  # (Counter.update's loop, in C)
        for _ in range(TITLE_WEIGHT):
            _count_elements(counts, in_title)
        _count_elements(counts, in_lead)
        return
    numbers = cython.declare(cython.Py_ssize_t[64])  # each entity's number, in order
    objects = cython.declare(cython.p_void[64])  # its first mention's int object
    times = cython.declare(cython.Py_ssize_t[64])
    distinct = 0
    for part in range(2):
        mentions = in_title if part == 0 else in_lead
        weight = TITLE_WEIGHT if part == 0 else 1
        for mention in mentions:
            number = mention
            index = 0
            while index < distinct and numbers[index] != number:
                index += 1
            if index == distinct:
                numbers[index] = number
                objects[index] = cython.cast(cython.p_void, mention)  # (alive in its list)
                times[index] = 0
                distinct += 1
            times[index] += weight
    for index in range(distinct):
        counts[cython.cast(object, objects[index])] = times[index]


def _add_words(text: str, padded: bytes, found: dict[str, int], title: bool) -> bool:
    """Count the words of three letters or more of `text`, given its `normalize_padded`,
    into `found`, each without its proclitic: each time it occurs, or for a headline
    TITLE_WEIGHT times each word once. Whether the text has a digit.

    Compiled (story_features.pxd), one pass over the bytes: a word is looked up by its
    bytes where they are (`_probe`), not made an object; a short word costs nothing. A
    text with a letter outside the matching alphabet takes the general way, as text."""
    size = len(padded)
    data = padded  # compiled, the bytes' C buffer: read without a method call
    if not _COMPILED:
        if _OTHER in padded:
            return _add_text(found, normalize(text), title, text)
        return _add_text(found, decode_normalized(padded), title, text)
    if _holds_zero(data, size):  # _OTHER (compiled, C's memchr: no method call)
        return _add_text(found, normalize(text), title, text)
    bare: str | None
    # The headline's words so far, as their pointers and hashes (a C array: no set made
    # and freed an article), past 64 of them in a set.
    seen_words = cython.declare(cython.p_void[64])
    seen_hashes = cython.declare(cython.Py_hash_t[64])
    seen_count = 0
    more_seen: set[str] | None = None
    digit = False
    weight = TITLE_WEIGHT if title else 1
    # A chunk of words at a time, in three passes, each asking ahead (a prefetch, in C)
    # for the memory the next one reads: where each word is and its hash (its slot's
    # cache line asked for), then its slot (its bare form's object asked for), then each
    # word counted, in order. Filing evicts the table and the words from the caches
    # between articles: their lines then arrive together, not one word's wait after
    # another's.
    starts = cython.declare(cython.Py_ssize_t[64])  # (64: a chunk's words)
    ends = cython.declare(cython.Py_ssize_t[64])
    hashes = cython.declare(cython.uint[64])
    found_slots = cython.declare(cython.Py_ssize_t[64])
    at = 1  # (past the space the text starts with; it ends with one too)
    while at < size:
        slots = _SLOTS  # compiled, its C buffer (a new one once the table has grown)
        mask = _MASK
        pending = 0
        while at < size and pending < 64:
            # A word: its bytes up to the next space, hashed as they are read (`_hash`).
            start = at
            word_hash = 2166136261
            while at < size and data[at] != 32:
                byte = data[at]
                if 48 <= byte <= 57:  # 0-9
                    digit = True
                word_hash = (word_hash ^ byte) * 16777619
                at += 1
            if at - start >= 3:
                starts[pending] = start
                ends[pending] = at
                if at - start <= _LONGEST:  # (all but a very long word)
                    hashes[pending] = word_hash
                    _prefetch(cython.address(slots[(word_hash & mask) * _WIDTH]))
                pending += 1
            at += 1  # (past the space)
        generation = _GENERATION
        for index in range(pending):
            word_start, word_end = starts[index], ends[index]
            if word_end - word_start <= _LONGEST:
                slot = _probe(data, word_start, word_end, hashes[index])
                found_slots[index] = slot
                if slot >= 0:
                    _prefetch(_bare_in(slots, slot))
        for index in range(pending):
            word_start, word_end = starts[index], ends[index]
            if word_end - word_start <= _LONGEST:
                slot = found_slots[index]
                if slot < 0 or generation != _GENERATION:  # (a word remembered since)
                    slot = _probe(data, word_start, word_end, hashes[index])
                if slot >= 0:
                    bare = cython.cast(object, _bare_in(_SLOTS, slot))
                else:
                    bare = _remember(data, word_start, word_end, -1 - slot)
            else:
                word = padded[word_start:word_end]
                bare = _BARE_LONG.get(word)
                if bare is None:
                    bare = _bare_bytes(data, word_start, word_end)
                    if len(_BARE_LONG) >= _CACHE_SIZE:  # bounded, as the slots are
                        _BARE_LONG.clear()
                    _BARE_LONG[word] = bare
            if title:  # each word once: is it among the headline's words so far?
                bare_hash = hash(bare)
                if _among(bare, bare_hash, seen_words, seen_hashes, seen_count):
                    continue
                if seen_count < 64:  # (their str objects, kept alive by `found`)
                    seen_words[seen_count] = cython.cast(cython.p_void, bare)
                    seen_hashes[seen_count] = bare_hash
                    seen_count += 1
                elif more_seen is None:
                    more_seen = {bare}
                elif bare in more_seen:
                    continue
                else:
                    more_seen.add(bare)
            # One lookup for a word new to `found` (most): setdefault inserts it counted;
            # a second only when it was there (`found` did not grow).
            known = _size(found)
            count = found.setdefault(bare, weight)
            if _size(found) == known:
                found[bare] = count + weight
    return digit


def _among(bare: str, bare_hash: int, words: object, hashes: object, count: int) -> bool:
    """Compiled, whether `bare` (its hash `bare_hash`) is among the first `count` str
    objects of the C array `words` (their hashes in `hashes`): the same object, or an equal
    one (another word's bare form: النفط and نفط)."""
    for index in range(count):
        if hashes[index] == bare_hash:  # type: ignore[index]
            held = words[index]  # type: ignore[index]
            if held == cython.cast(cython.p_void, bare) or cython.cast(object, held) == bare:
                return True
    return False


def _add_text(found: dict[str, int], normalized: str, title: bool, text: str) -> bool:
    """`_add_words` the general way, given the normalized text as a string."""
    words = map(_BARE.__getitem__, normalized.split())
    if not title:
        _count_elements(found, words)  # Counter.update's loop, in C
    else:
        distinct = dict.fromkeys(words)
        for _ in range(TITLE_WEIGHT):
            _count_elements(found, distinct)
    found.pop(None, None)  # type: ignore[call-overload]  # the short words
    return _DIGIT.search(text) is not None


def _bare_bytes(data: bytes, start: int, end: int) -> str:
    """The word at `data[start:end]` (normalized bytes, three letters or more, none of
    them `_OTHER`) without its proclitic: `_strip(decode_normalized(word))`, the proclitic
    found among the bytes (one byte a letter) and only the rest decoded."""
    size = end - start
    skip = 0
    table = _FIRST_BYTES
    first = table  # compiled, its C buffer
    if not first[data[start]]:  # (many words: no proclitic starts with their first letter)
        size = 0
    for proclitic in _PROCLITIC_BYTES:  # the longest first, as `_strip`
        length = len(proclitic)
        if size - length >= 3:
            head = proclitic  # compiled, its C buffer
            index = 0
            while index < length and data[start + index] == head[index]:
                index += 1
            if index == length:
                skip = length
                break
    return _decoded(data, start + skip, end, _LETTERS)


# The cache of the words' bare forms, by their normalized bytes (compiled only): an
# open-addressing table of `_WIDTH`-byte slots, each a word's length, its bytes (words of
# 3 to `_LONGEST` bytes: all but a very long one, which `_BARE_LONG` holds) and its bare
# form (a pointer to the str object, which `_VALUES` holds a reference to). A word is
# found where it lies in the text, hashed in C: no bytes object is made of it, no key
# object elsewhere in memory is compared with it, and its bare form is in its slot's
# cache line. The slots of 8,000 words (5,000 articles' worth) take 512 KB, where a dict
# of bytes keys, its keys and the list of values took about a megabyte.
_WIDTH = 32
_LONGEST = 15  # (the bare form's pointer is at 16)
_FIRST_SIZE = 16384  # slots, a power of two; twice as many once half are used


def _empty_table() -> tuple[bytearray, list[str], int]:
    """The slots, the references to their bare forms, and the mask of a first table."""
    return bytearray(_FIRST_SIZE * _WIDTH), [""] * _FIRST_SIZE, _FIRST_SIZE - 1


_SLOTS, _VALUES, _MASK = _empty_table()
_USED = 0
_GENERATION = 0  # how many times the table was rebuilt (grown or emptied)
_BARE_LONG: dict[bytes, str] = {}  # a word longer than _LONGEST bytes -> its bare form


def _bare_in(slots: bytes | bytearray, slot: int) -> object:
    """Compiled, the pointer to the bare form held in `slot` of `slots` (`_SLOTS`)."""
    cells = cython.cast(cython.pointer(cython.p_void), cython.address(slots[slot * _WIDTH + 16]))
    return cells[0]


def _find(data: bytes | bytearray, start: int, end: int) -> int:
    """Where the word `data[start:end]` (3 to `_LONGEST` bytes) is in `_SLOTS`, or, if it
    is not there, -1 - the empty slot where it goes."""
    return _probe(data, start, end, _hash(data, start, end))


def _hash(data: bytes | bytearray, start: int, end: int) -> int:
    """FNV-1a of `data[start:end]` (compiled, a C unsigned int: 32 bits, wrapping)."""
    word_hash = 2166136261
    for at in range(start, end):
        word_hash = (word_hash ^ data[at]) * 16777619
    return word_hash


def _probe(data: bytes | bytearray, start: int, end: int, word_hash: int) -> int:
    """`_find`, given the word's `_hash`."""
    slots = _SLOTS  # compiled, its C buffer
    length = end - start
    mask = _MASK
    index = word_hash & mask
    while True:
        at = index * _WIDTH
        held = slots[at]
        if held == 0:
            return -1 - index
        if held == length:
            same = 0
            while same < length and slots[at + 1 + same] == data[start + same]:
                same += 1
            if same == length:
                return index
        index = (index + 1) & mask


def _remember(data: bytes, start: int, end: int, index: int) -> str:
    """The bare form of the word `data[start:end]`, which `_find` did not find, put at
    the empty slot `index` (grown or emptied past `_CACHE_SIZE` words)."""
    global _USED
    bare = _bare_bytes(data, start, end)
    if _USED >= _CACHE_SIZE:
        _forget_words()
        index = -1 - _find(data, start, end)
    slots = _SLOTS  # compiled, its C buffer
    at = index * _WIDTH
    slots[at] = end - start
    for offset in range(end - start):
        slots[at + 1 + offset] = data[start + offset]
    cells = cython.cast(cython.pointer(cython.p_void), cython.address(slots[at + 16]))
    cells[0] = cython.cast(cython.p_void, bare)  # (a reference kept in _VALUES)
    _VALUES[index] = bare
    _USED += 1
    if len(_VALUES) < 2 * _USED:  # (half full: grown)
        _grow()
    return bare


def _grow() -> None:
    """Twice as many slots, the words moved into them."""
    global _SLOTS, _VALUES, _MASK, _GENERATION
    _GENERATION += 1
    old_slots, old_values = _SLOTS, _VALUES
    size = 2 * len(old_values)
    _SLOTS, _VALUES, _MASK = bytearray(size * _WIDTH), [""] * size, size - 1
    old = old_slots  # compiled, its C buffer
    slots = _SLOTS
    for slot in range(len(old_values)):
        at = slot * _WIDTH
        if old[at]:
            index = -1 - _find(old_slots, at + 1, at + 1 + old[at])
            for offset in range(_WIDTH):
                slots[index * _WIDTH + offset] = old[at + offset]
            _VALUES[index] = old_values[slot]


def cached_words() -> tuple[int, int, int]:
    """(words in the slots, long words in `_BARE_LONG`, the bound of each): made-up
    words by the million, from a hostile feed or years of news, must not grow them."""
    return _USED, len(_BARE_LONG), _CACHE_SIZE


def _forget_words() -> None:
    """Empty the caches of bare words (kept to `_CACHE_SIZE` words)."""
    global _SLOTS, _VALUES, _MASK, _USED, _GENERATION
    _GENERATION += 1
    _SLOTS, _VALUES, _MASK = _empty_table()
    _USED = 0
    _BARE_LONG.clear()
    _BARE.clear()


class _Bare(dict[str, str | None]):
    """word -> the word without its proclitic, or None for a word under three letters:
    news repeats its words, so most are looked up, in C, and few computed."""

    def __missing__(self, word: str) -> str | None:
        if len(self) >= _CACHE_SIZE:
            self.clear()
        stripped = self[word] = _strip(word) if len(word) >= 3 else None
        return stripped


# `_PROCLITICS` in normalized bytes, and the table that decodes those bytes (the
# placeholder `_OTHER`, which `_bare_bytes` never sees, as U+FFFD).
_PROCLITIC_BYTES = tuple(map(normalize_bytes, _PROCLITICS))
_LETTERS = decode_normalized(bytes(range(256)))
assert len(_LETTERS) == 256 and "\ufffe" not in _LETTERS  # (`_decoded`: no byte undefined)
_FIRST_BYTES = bytes(b in {p[0] for p in _PROCLITIC_BYTES} for b in range(256))  # byte -> 1/0
assert [decode_normalized(p) for p in _PROCLITIC_BYTES] == _PROCLITICS
assert all(len(p) == len(s) for p, s in zip(_PROCLITIC_BYTES, _PROCLITICS, strict=True))
_BARE = _Bare()  # for text with letters outside the alphabet, or uncompiled


def _strip(word: str) -> str:
    """وبالنفط → نفط، الوزير → وزير (as وزير is), if three letters remain (الأمن → امن)."""
    for proclitic in _PROCLITICS:
        if word.startswith(proclitic) and len(word) - len(proclitic) >= 3:
            return word[len(proclitic) :]
    return word


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, in one notation; years and single digits left out."""
    if not _has_digit(text):
        return _NONE
    found: set[str] = set()
    if not _COMPILED:  # plain Python: the regex, which runs in C
        if _EASTERN.search(text):  # (str.translate is slow on Arabic text: only when it matters)
            text = text.translate(_DIGITS)
        for match in _NUMBER.finditer(text):
            _add_number(found, match[1], match[2])
        return frozenset(found)
    # `_NUMBER.finditer(text.translate(_DIGITS))`, each match read in C: it starts at the
    # first decimal digit from where the last one ended.
    at = _next_decimal(text, 0)
    while at >= 0:
        end, stop, scale = _number_at(text, at)
        raw = text[at:end]
        _add_number(found, raw if raw.isascii() else raw.translate(_DIGITS), scale)
        at = _next_decimal(text, stop)
    return frozenset(found)


_NUMBER_CACHE_SIZE = 10_000
_STATED: dict[tuple[str, str | None], str | None] = {}  # (raw, scale) -> `_stated`


def _add_number(found: set[str], raw: str, scale: str | None) -> None:
    """Add the number a match of `_NUMBER` states (its digits ASCII, ٫ a point), unless it
    is a year or a single digit. News repeats its numbers: most are looked up, few parsed
    and formatted again."""
    key = (raw, scale)
    number = _STATED.get(key, _NOT_STATED)
    if number is _NOT_STATED:
        number = _stated(raw, scale)
        if len(_STATED) >= _NUMBER_CACHE_SIZE:  # bounded, as the word caches are
            _STATED.clear()
        _STATED[key] = number
    if number is not None:
        found.add(number)


def _stated(raw: str, scale: str | None) -> str | None:
    """What `_add_number` adds for a match, or None."""
    if "," in raw and _GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    raw = raw.replace(",", ".")
    try:
        value = float(raw)
    except ValueError:
        return None
    if scale:
        value *= _SCALE[scale]
    if (value < 10 and value == int(value)) or (1900 <= value <= 2100 and not scale):
        return None
    return f"{value:g}"


def cached_numbers() -> tuple[int, int]:
    """(numbers in `_add_number`'s cache, its bound)."""
    return len(_STATED), _NUMBER_CACHE_SIZE


def _number_at(text: str, at: int) -> tuple[int, int, str | None]:
    """`_NUMBER.match(text.translate(_DIGITS), at)`, a decimal digit at `at`: where its
    number ends, where the match ends, and its scale word or None. The translation turns
    digits into digits and ٫ into a point: read as one here, nothing is translated."""
    size = len(text)
    end = at + 1
    while end < size and _is_decimal(text[end]):  # \d+
        end += 1
    while end + 1 < size and text[end] in ".,٫" and _is_decimal(text[end + 1]):  # [.,]\d+
        end += 2
        while end < size and _is_decimal(text[end]):
            end += 1
    stop = end
    while stop < size and text[stop].isspace():  # \s*
        stop += 1
    if stop == size or text[stop] not in "أآامtmb":  # no scale starts otherwise
        return end, stop, None
    for scale in _SCALES:  # the first that matches, as the regex's alternation
        if text.startswith(scale, stop):
            return end, stop + len(scale), scale
    return end, stop, None


def _has_digit(text: str) -> bool:
    """Whether `text` has one of the digits 0-9, ٠-٩ and ۰-۹ (`_DIGIT`); in C when
    compiled."""
    if not _COMPILED:
        return _DIGIT.search(text) is not None
    for ch in text:
        code = ord(ch)
        if 48 <= code <= 57 or 0x660 <= code <= 0x669 or 0x6F0 <= code <= 0x6F9:
            return True
    return False


def _is_decimal(ch: str) -> bool:
    """A regex's `\\d`: `str.isdecimal`, ASCII and the Arabic block without a table."""
    code = ord(ch)
    if code < 128:
        return 48 <= code <= 57
    if 0x600 <= code <= 0x6FF:
        return 0x660 <= code <= 0x669 or 0x6F0 <= code <= 0x6F9
    return ch.isdecimal()


def _next_decimal(text: str, at: int) -> int:
    """Where the first decimal digit (`_is_decimal`) from `at` on is, or -1."""
    if not _COMPILED:
        match = _DECIMAL.search(text, at)
        return -1 if match is None else match.start()
    index = at
    for ch in text[at:]:  # (compiled, a loop over the characters: no copy, no indexing)
        if _is_decimal(ch):
            return index
        index += 1
    return -1


_UTC = UTC
_EXACT = 2**53  # a double holds every integer below it

if not cython.compiled:

    def _utc_micro(moment: datetime, kind: type, utc: timezone) -> int:
        """Compiled (story_features.pxd), a `kind` in `utc`'s microseconds since the
        epoch, read in C; else (and plain) one past what `hours` takes."""
        return _EXACT


def hours(moment: datetime) -> float:
    """Hours since the epoch: `moment.timestamp() / 3600`. Compiled, a datetime in UTC
    (as dates are stored) is read in C: its microseconds since the epoch as a C integer,
    divided as timestamp() divides them (exactly held as a double, so the same result),
    without the timedelta and int objects timestamp() makes on its way."""
    micro = _utc_micro(moment, datetime, _UTC)
    if -_EXACT < micro < _EXACT:
        return micro / 1e6 / 3600
    return moment.timestamp() / 3600
