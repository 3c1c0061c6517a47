"""Word edges in normalized text (one space between words): where the spaces are.

`bytes.rfind` and `bytes.find` as loops over the bytes: compiled by Cython (spaces.pxd,
cimported by the matcher and the rules), a word's few bytes cost less to walk than a
method call costs to parse its arguments; as plain Python they give the same answers.
"""

from __future__ import annotations


def space_before(text: bytes, at: int) -> int:
    """`text.rfind(b" ", 0, at)` for at >= 0: the last space before `at`, or -1."""
    at = min(at, len(text)) - 1
    while at >= 0 and text[at] != 32:
        at -= 1
    return at


def space_after(text: bytes, at: int) -> int:
    """`text.find(b" ", at)` for at >= 0: the first space from `at` on, or -1."""
    size = len(text)
    while at < size and text[at] != 32:
        at += 1
    return at if at < size else -1
