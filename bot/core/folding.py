# cython: boundscheck=False, wraparound=False
# (compiled, indices go unchecked: `code` is below len(table), `n` below len(out))
"""Normalization's fast path in one pass: a loop over the characters, compiled by Cython.

`normalize_bytes` folds a text with three C passes (a charmap encode, a translate, the
removal of doubled spaces) and the padding spaces classification adds cost a fourth
copy. `fold_padded` does all of it in one pass over the text with one table, built by
bot.core.normalize from its own alphabet, so its results are those of `normalize_bytes`
(tests/core/test_normalize_folding.py compares them). As plain Python the loop is slow:
bot.core.normalize uses it only where it is compiled (`COMPILED`); types in folding.pxd.
"""

from __future__ import annotations

# Compiled, the module is a shared library: its file does not end in .py.
COMPILED = not __file__.endswith(".py")

OUTSIDE = 0  # the table's value for a character outside the alphabet (never folded to)
SPACE = 0x20


def fold_padded(text: str, table: bytes, removed: int) -> bytes | None:
    """`text` folded to the matching alphabet with one space at each end, words
    separated by one space; None if a character is outside the table (the caller takes
    the general path). `table[ord(ch)]`: the folded byte, `removed` (dropped) or
    OUTSIDE."""
    size = len(table)
    buffer = bytearray(len(text) + 2)
    # Compiled, `folded` and `out` are C views of `table` and `buffer` (folding.pxd):
    # reading and writing a byte is a load and a store, not a call.
    folded = table
    out = buffer
    out[0] = 32  # SPACE (literals here: compiled, a module name is a Python lookup)
    n = 1
    space = True  # the last byte written is a space: drop spaces after it
    for ch in text:
        code = ord(ch)
        if code >= size:
            return None
        byte = folded[code]
        if byte == removed:
            continue
        if byte == 32:
            if space:
                continue
            space = True
        elif byte == 0:  # OUTSIDE
            return None
        else:
            space = False
        out[n] = byte
        n += 1
    if n == 1:
        return b"  "
    if not space:
        out[n] = 32
        n += 1
    return bytes(buffer[:n])
