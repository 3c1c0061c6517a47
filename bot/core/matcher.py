"""One pass over a text for every keyword at once.

All stems go into one Aho-Corasick automaton (ahocorasick-rs, over the bytes of
the matching alphabet, leftmost-longest). The longest match wins where matches
overlap, so a longer phrase shadows the keyword inside it: «ولاية جورجيا» hides
«جورجيا», «شمال القوقاز» hides «القوقاز». Each match is then accepted only if
the rest of its word is an allowed prefix and suffix (see bot.core.morphology);
when the longest match is rejected, the shorter stems it starts with are tried
in its place (روسيان: not روسيا + ن but روسي + ان).

Cost: one automaton scan in Rust plus a few byte comparisons per match, so it
barely grows with the number of keywords.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick_rs

from bot.core.morphology import Form

T = TypeVar("T")

_SPACE = 0x20
# A DFA scans fastest but grows with the patterns; past this many an NFA is kept.
_DFA_LIMIT = 20_000


class Matcher(Generic[T]):
    """Finds the accepted forms in normalized text; each form carries a value of type T."""

    def __init__(self, items: Iterable[tuple[Form, T]]) -> None:
        by_stem: dict[bytes, list[tuple[Form, T]]] = {}
        for form, value in items:
            by_stem.setdefault(form.stem, []).append((form, value))
        self._stems = list(by_stem)
        self._index = {stem: i for i, stem in enumerate(self._stems)}
        # per stem: (allowed prefixes, allowed suffixes, value) for each form
        self._entries = [
            tuple((form.prefixes, form.suffixes, value) for form, value in by_stem[stem])
            for stem in self._stems
        ]
        self._shorter: dict[int, tuple[int, ...]] = {}
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        if self._stems:
            implementation = (
                ahocorasick_rs.Implementation.DFA
                if len(self._stems) <= _DFA_LIMIT
                else ahocorasick_rs.Implementation.ContiguousNFA
            )
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                self._stems,
                matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
                implementation=implementation,
            )

    def __len__(self) -> int:
        return sum(len(e) for e in self._entries)

    def scan(self, text: bytes) -> list[tuple[T, int, int]]:
        """(value, start, end) of every accepted form in `text`.

        `text` is normalized (bot.core.normalize.normalize_bytes) and padded with one
        space at each end; offsets count from the padding.
        """
        if self._automaton is None:
            return []
        found: list[tuple[T, int, int]] = []
        append, entries, find, rfind = found.append, self._entries, text.find, text.rfind
        for pid, start, end in self._automaton.find_matches_as_indexes(text):
            # Most matches are a whole word: no prefix, no suffix.
            prefix = b"" if text[start - 1] == _SPACE else text[rfind(b" ", 0, start) + 1 : start]
            suffix = b"" if text[end] == _SPACE else text[end : find(b" ", end)]
            accepted = False
            for prefixes, suffixes, value in entries[pid]:
                if prefix in prefixes and suffix in suffixes:
                    append((value, start, end))
                    accepted = True
            if not accepted:
                self._try_shorter(text, pid, start, prefix, found)
        return found

    def _try_shorter(
        self,
        text: bytes,
        pid: int,
        start: int,
        prefix: bytes,
        found: list[tuple[T, int, int]],
    ) -> None:
        """The longest match was rejected: accept the longest shorter stem it begins with."""
        shorter = self._shorter.get(pid)
        if shorter is None:
            stem, index = self._stems[pid], self._index
            shorter = self._shorter[pid] = tuple(
                index[stem[:n]] for n in range(len(stem) - 1, 0, -1) if stem[:n] in index
            )
        for sid in shorter:
            s_end = start + len(self._stems[sid])
            suffix = b"" if text[s_end] == _SPACE else text[s_end : text.find(b" ", s_end)]
            accepted = False
            for prefixes, suffixes, value in self._entries[sid]:
                if prefix in prefixes and suffix in suffixes:
                    found.append((value, start, s_end))
                    accepted = True
            if accepted:
                return
