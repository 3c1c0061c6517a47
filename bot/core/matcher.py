"""One pass over a text for every keyword at once.

All stems go into one Aho-Corasick automaton (ahocorasick-rs, over the bytes of
the matching alphabet, leftmost-longest). The longest match wins where matches
overlap, so a longer phrase shadows the keyword inside it: «ولاية جورجيا» hides
«جورجيا», «شمال القوقاز» hides «القوقاز». Each match is then accepted only if
the rest of its word is an allowed prefix and suffix (see bot.core.morphology);
when the longest match is rejected, the shorter stems it starts with are tried
in its place (روسيان: not روسيا + ن but روسي + ان).

Cost: one automaton scan in Rust plus a few byte comparisons per match, so it
barely grows with the number of keywords. Most Arabic words carry the article, so
each stem that may take it is also looked for with it (الرئيس as well as رئيس): the
whole word is then matched at once and needs no affix check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

import ahocorasick_rs

from bot.core.morphology import ARTICLE, Form
from bot.core.normalize import encode_normalized

T = TypeVar("T")

_SPACE = 0x20
_ARTICLE = encode_normalized(ARTICLE) or b""


class Matcher(Generic[T]):
    """Finds the accepted forms in normalized text; each form carries a value of type T."""

    def __init__(self, items: Iterable[tuple[Form, T]], *, overlapping: bool = False) -> None:
        """`overlapping`: report every match, so no form shadows another (readers' phrases,
        where one reader's «قره باغ» must not hide another's «باغ»)."""
        by_pattern: dict[bytes, list[tuple[Form, T]]] = {}
        for form, value in items:
            by_pattern.setdefault(_pattern(form), []).append((form, value))
        # The article in front, where every form of a stem may take it (not for
        # overlapping matching, which would then report the word twice).
        with_article: dict[bytes, list[tuple[Form, T]]] = {}
        if not overlapping:
            for pattern, forms in by_pattern.items():
                if all(_ARTICLE in f.prefixes for f, _ in forms) and (
                    _ARTICLE + pattern not in by_pattern
                ):
                    with_article[_ARTICLE + pattern] = forms
        self._patterns = [*by_pattern, *with_article]
        self._index = {pattern: i for i, pattern in enumerate(self._patterns)}
        # per pattern: (offset of the stem in it, where the space before the word is from
        # the match's start, the value when a whole word is all it can be, every form's
        # (prefixes, suffixes, value))
        self._entries: list[
            tuple[
                int, int, T | None, tuple[tuple[frozenset[bytes], frozenset[bytes], T], ...]
            ]
        ] = []
        for lead, groups in ((b"", by_pattern), (_ARTICLE, with_article)):
            for pattern, forms in groups.items():
                bare = (
                    forms[0][1] if len(forms) == 1 and forms[0][0].accepts(lead, b"") else None
                )
                rules = tuple((f.prefixes, f.suffixes, v) for f, v in forms)
                offset = len(pattern) - len(forms[0][0].stem)
                self._entries.append((offset, offset - len(lead) - 1, bare, rules))
        self._shorter: dict[int, tuple[int, ...]] = {}
        self._automaton: ahocorasick_rs.BytesAhoCorasick | None = None
        self._overlapping = overlapping
        if self._patterns:
            # The library picks the implementation: past a few thousand patterns its
            # contiguous NFA scans faster here than a DFA, whose tables outgrow the cache.
            self._automaton = ahocorasick_rs.BytesAhoCorasick(
                self._patterns,
                matchkind=ahocorasick_rs.MatchKind.Standard
                if overlapping
                else ahocorasick_rs.MatchKind.LeftmostLongest,
            )

    def __len__(self) -> int:
        return sum(len(e[3]) for e in self._entries if e[1] == e[0] - 1)

    def scan(self, text: bytes) -> list[tuple[T, int, int]]:
        """(value, start, end) of every accepted form in `text`.

        `text` is normalized (bot.core.normalize.normalize_bytes) and padded with one
        space at each end; offsets count from the padding.
        """
        if self._automaton is None:
            return []
        found: list[tuple[T, int, int]] = []
        append, entries, find, rfind = found.append, self._entries, text.find, text.rfind
        for pid, start, end in self._automaton.find_matches_as_indexes(text, self._overlapping):
            offset, edge, bare, forms = entries[pid]
            # Most matches are a whole word that can only be one thing.
            if text[start + edge] == 32 and text[end] == 32 and bare is not None:  # 32: a space
                append((bare, start + offset, end))
                continue
            start += offset
            before, after = text[start - 1], text[end]
            prefix = b"" if before == 32 else text[rfind(b" ", 0, start) + 1 : start]
            suffix = b"" if after == 32 else text[end : find(b" ", end)]
            accepted = False
            for prefixes, suffixes, value in forms:
                if prefix in prefixes and suffix in suffixes:
                    append((value, start, end))
                    accepted = True
            if not accepted and not self._overlapping:
                self._try_shorter(text, pid, start, prefix, found)
        return found

    def _try_shorter(
        self, text: bytes, pid: int, start: int, prefix: bytes, found: list[tuple[T, int, int]]
    ) -> None:
        """The longest match was rejected: accept the longest shorter stem it begins with."""
        shorter = self._shorter.get(pid)
        if shorter is None:
            pattern, index = self._patterns[pid], self._index
            shorter = self._shorter[pid] = tuple(
                index[pattern[:n]]
                for n in range(len(pattern) - 1, 0, -1)
                if pattern[:n] in index
                and self._entries[index[pattern[:n]]][:2] == self._entries[pid][:2]
            )
        for sid in shorter:
            s_end = start + len(self._patterns[sid]) - self._entries[sid][0]
            suffix = b"" if text[s_end] == _SPACE else text[s_end : text.find(b" ", s_end)]
            accepted = False
            for prefixes, suffixes, value in self._entries[sid][3]:
                if prefix in prefixes and suffix in suffixes:
                    found.append((value, start, s_end))
                    accepted = True
            if accepted:
                return


def _pattern(form: Form) -> bytes:
    """What the automaton looks for: the stem, after a space when nothing may precede it.

    Anchoring such stems (all English ones) to a word start keeps short ones like "ai"
    from matching inside every "said" and "again".
    """
    return b" " + form.stem if form.prefixes == {b""} else form.stem
