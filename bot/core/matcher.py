"""One pass over a text for every keyword at once.

All stems go into one Aho-Corasick automaton (ahocorasick-rs, over the bytes of
the matching alphabet, leftmost-longest). The longest match wins where matches
overlap, so a longer phrase shadows the keyword inside it: «ولاية جورجيا» hides
«جورجيا», «شمال القوقاز» hides «القوقاز». Each match is then accepted only if
the rest of its word is an allowed prefix and suffix (see bot.core.morphology);
when the longest match is rejected, the shorter stems it starts with are tried
in its place (روسيان: not روسيا + ن but روسي + ان).

Cost: one automaton scan in Rust plus a few byte comparisons per match, so it
barely grows with the number of keywords. Most Arabic words carry a proclitic or
the feminine ending, so each stem is also looked for in its commonest whole words
(الرئيس، والرئيس، الروسية as well as رئيس، روسي): such a word is then matched at
once and needs no affix check. The automaton's size hardly changes its speed.

The loop over the automaton's matches (`_scan`, `_accept`) is compiled by Cython
(setup.py; C types in matcher.pxd): it reads each pattern's entry from one flat C
array and builds only the (value, start, end) tuples it returns, so an article's ~50
matches cost about as much as the Rust scan again, not several times it. Uncompiled,
the same source runs as plain Python. Classification runs the same loop itself, fused
with its tally (bot.core.tally), on the matcher's values as numbers (`Matcher.codes`),
and builds no tuple at all.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

import ahocorasick_rs

from bot.core.morphology import Form
from bot.core.normalize import encode_normalized
from bot.core.spaces import space_after, space_before

T = TypeVar("T")


def _encoded(*words: str) -> tuple[bytes, ...]:
    return tuple(encode_normalized(w) or b"" for w in words)


# The whole words a stem is also looked for as (where every form of the stem allows it).
_LEADS = _encoded("ال", "و", "وال", "ب", "بال", "ل", "لل")
_TAILS = _encoded("ه")

Rules = tuple[tuple[frozenset[bytes], frozenset[bytes], T], ...]

SMALL = 1000  # patterns: up to this many, a leftmost-longest automaton is a DFA


class Coded(NamedTuple):
    """`Matcher.codes`: the values of a matcher as numbers."""

    at: array[int]  # per whole-word values index: where its codes start in `codes`
    codes: array[int]
    rules: list[Rules[int]]  # per stem: its forms' (prefixes, suffixes, code)
    most: int  # the most (value, start, end) one raw match can yield


class Matcher(Generic[T]):
    """Finds the accepted forms in normalized text; each form carries a value of type T."""

    def __init__(self, items: Iterable[tuple[Form, T]], *, overlapping: bool = False) -> None:
        """`overlapping`: report every match, so no form shadows another (readers' phrases,
        where one reader's «قره باغ» must not hide another's «باغ»)."""
        by_pattern: dict[bytes, list[tuple[Form, T]]] = {}
        for form, value in items:
            by_pattern.setdefault(_pattern(form), []).append((form, value))
        # pattern -> (prefix and suffix it holds, its stem's number): the stems, then their
        # whole-word variants (not for overlapping matching, which would then report
        # one word twice)
        stems = list(by_pattern.values())
        variants: dict[bytes, tuple[bytes, bytes, int]] = {
            pattern: (b"", b"", n) for n, pattern in enumerate(by_pattern)
        }
        if not overlapping:
            for n, (pattern, forms) in enumerate(by_pattern.items()):
                if forms[0][0].latin:
                    continue
                for lead in (b"", *_LEADS):
                    for tail in (b"", *_TAILS):
                        if (lead or tail) and all(f.accepts(lead, tail) for f, _ in forms):
                            variants.setdefault(lead + pattern + tail, (lead, tail, n))
        self._patterns = list(variants)
        self._index = {pattern: i for i, pattern in enumerate(self._patterns)}
        # per stem: every form's (prefixes, suffixes, value); per pattern, as plain
        # numbers (which the garbage collector need not follow): the offset of the stem
        # in it, where the space before the word is from the match's start, the suffix
        # length it holds, its stem, and its values when the match is a whole word
        # (an index in `_values`, or -1)
        self._rules: list[Rules[T]] = [
            tuple((f.prefixes, f.suffixes, v) for f, v in forms) for forms in stems
        ]
        number: dict[tuple[T, ...], int] = {}
        self._entries: list[tuple[int, int, int, int, int]] = []
        for pattern, (lead, tail, n) in variants.items():
            forms = stems[n]
            offset = len(pattern) - len(tail) - len(forms[0][0].stem)
            whole = -1
            if all(f.accepts(lead, tail) for f, _ in forms):
                values = tuple(v for _, v in forms)
                whole = number.setdefault(values, len(number))
            self._entries.append((offset, offset - len(lead) - 1, len(tail), n, whole))
        self._values: list[tuple[T, ...]] = list(number)
        # The same, flat in one C array (five ints a pattern): what `scan` reads, one
        # cache line a match rather than a tuple and its numbers spread over the heap.
        self._table = array("i", [n for entry in self._entries for n in entry])
        self._shorter: dict[int, tuple[int, ...]] = {}
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        self._overlapping = overlapping
        self._size = sum(len(forms) for forms in stems)
        if self._patterns:
            # The library picks the implementation: past a few thousand patterns its
            # contiguous NFA scans faster here than a DFA, whose tables outgrow the cache.
            # Below SMALL patterns it would still pick an NFA, which scans an article
            # twice as slowly as the DFA it then takes a millisecond to build (the rules'
            # `unless` phrases: 4 µs an article instead of 9).
            small = len(self._patterns) <= SMALL and not overlapping
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                self._patterns,
                matchkind=ahocorasick_rs.MatchKind.Standard
                if overlapping
                else ahocorasick_rs.MatchKind.LeftmostLongest,
                implementation=ahocorasick_rs.Implementation.DFA if small else None,
            )

    def __len__(self) -> int:
        return self._size

    def scan(self, text: bytes) -> list[tuple[T, int, int]]:
        """(value, start, end) of every accepted form in `text`: where its stem is.

        `text` is normalized (bot.core.normalize.normalize_bytes) and padded with one
        space at each end; offsets count from the padding.
        """
        if self._automaton is None:
            return []
        raw = self._automaton.find_matches_as_indexes(text, self._overlapping)
        return _scan(self, raw, text)

    def matches(self, text: bytes) -> list[tuple[int, int, int]]:
        """The automaton's raw matches in `text`: (pattern, start, end), before any check
        (see `scan`; for a caller that runs `scan`'s loop itself, with `whole_words`)."""
        if self._automaton is None:
            return []
        return self._automaton.find_matches_as_indexes(text, self._overlapping)

    def raw_matches(self) -> Callable[[bytes], list[tuple[int, int, int]]]:
        """`matches`, as what it calls, bound once: for a caller that scans text after text
        (the entity layer), without the call through `matches` around each scan."""
        if self._automaton is None or self._overlapping:
            return self.matches
        return self._automaton.find_matches_as_indexes

    @property
    def entries(self) -> list[tuple[int, int, int, int, int]]:
        """Per pattern: (stem offset, word edge, suffix length, stem, whole-word values
        index or -1); see `scan`."""
        return self._entries

    @property
    def whole_words(self) -> list[tuple[T, ...]]:
        """The values of a pattern matched as a whole word, by the index in `entries`."""
        return self._values

    def accept(
        self, text: bytes, pid: int, start: int, end: int, found: list[tuple[T, int, int]]
    ) -> None:
        """Check one raw match that is not a plain whole word: append what it accepts."""
        _accept(self, text, pid, start, end, found)

    def codes(self, code_of: Callable[[T], int]) -> Coded:
        """The matcher's values as numbers (`code_of(value)`), for a caller that runs
        `scan`'s loop itself over C integers (bot.core.topics): per whole-word values index
        `i`, their codes are `codes[at[i] : at[i + 1]]`; per stem, its forms' (prefixes,
        suffixes, code) for `_accept`; and the most values one raw match can yield."""
        at = array("i", [0])
        flat: list[int] = []
        for values in self._values:
            flat += [code_of(v) for v in values]
            at.append(len(flat))
        rules = [tuple((p, s, code_of(v)) for p, s, v in stem) for stem in self._rules]
        most = max([len(v) for v in self._values] + [len(r) for r in rules] + [1])
        return Coded(at, array("i", flat), rules, most)

    def shorter(self, pid: int) -> tuple[int, ...]:
        """The patterns of the shorter stems pattern `pid` begins with (same offset and
        word edge, no suffix of their own), longest first: tried when it is rejected."""
        shorter = self._shorter.get(pid)
        if shorter is None:
            pattern, index, entries = self._patterns[pid], self._index, self._entries
            offset, edge, tail = entries[pid][:3]
            stem_end = len(pattern) - tail
            shorter = self._shorter[pid] = tuple(
                index[pattern[:n]]
                for n in range(stem_end - 1, offset, -1)
                if pattern[:n] in index and entries[index[pattern[:n]]][:3] == (offset, edge, 0)
            )
        return shorter


def _scan(
    matcher: Matcher[T], raw: list[tuple[int, int, int]], text: bytes
) -> list[tuple[T, int, int]]:
    """The loop of `Matcher.scan` over the automaton's raw matches (typed for Cython in
    matcher.pxd: compiled, it costs little more than the matches it returns)."""
    found: list[tuple[T, int, int]] = []
    table, values = matcher._table, matcher._values
    for pid, start, end in raw:
        at = pid * 5  # offset, edge, tail, stem, whole
        whole = table[at + 4]
        # Most matches are a whole word that can only be one thing.
        if whole >= 0 and text[start + table[at + 1]] == 32 and text[end] == 32:  # 32: a space
            offset, tail = table[at], table[at + 2]
            for value in values[whole]:
                found.append((value, start + offset, end - tail))
        else:
            _accept(matcher, text, pid, start, end, found)
    return found


def _accept(
    matcher: Matcher[T],
    text: bytes,
    pid: int,
    start: int,
    end: int,
    found: list[tuple[T, int, int]],
) -> None:
    """Check one raw match that is not a plain whole word: append what it accepts; when
    the longest match is rejected, accept the longest shorter stem it begins with."""
    entries = matcher._entries
    offset, _edge, tail, stem, _whole = entries[pid]
    start += offset
    end -= tail
    prefix = b"" if text[start - 1] == 32 else text[space_before(text, start) + 1 : start]
    if _accept_stem(matcher._rules[stem], text, prefix, start, end, found):
        return
    if matcher._overlapping:
        return
    shorter = matcher._shorter.get(pid)
    for sid in matcher.shorter(pid) if shorter is None else shorter:
        s_offset, _edge, _tail, s_stem, _whole = entries[sid]
        s_end = start + len(matcher._patterns[sid]) - s_offset
        if _accept_stem(matcher._rules[s_stem], text, prefix, start, s_end, found):
            return


def _accept_stem(
    rules: Rules[T],
    text: bytes,
    prefix: bytes,
    start: int,
    end: int,
    found: list[tuple[T, int, int]],
) -> bool:
    """Append the values of the forms of one stem at [start, end) that accept its word's
    `prefix` and the rest of the word as suffix; whether any did."""
    suffix = b"" if text[end] == 32 else text[end : space_after(text, end)]
    accepted = False
    for prefixes, suffixes, value in rules:
        if prefix in prefixes and suffix in suffixes:
            found.append((value, start, end))
            accepted = True
    return accepted


def _pattern(form: Form) -> bytes:
    """What the automaton looks for: the stem, after a space when nothing may precede it.

    Anchoring such stems (all English ones) to a word start keeps short ones like "ai"
    from matching inside every "said" and "again".
    """
    return b" " + form.stem if form.prefixes == {b""} else form.stem
