# cython: boundscheck=False, wraparound=False
# (compiled, indices go unchecked: `code` is below len(table), `n` below len(buffer))
"""Normalization's fast path in one pass: a loop over the characters, compiled by Cython.

`normalize_bytes` folds a text with three C passes (a charmap encode, a translate, the
removal of doubled spaces) and the padding spaces classification adds cost a fourth
copy. `fold_padded` does all of it in one pass over the text with one table, built by
bot.core.normalize from its own alphabet, so its results are those of `normalize_bytes`
(tests/core/test_compiled_hot_path.py compares them). Compiled, it reads the table and
writes a reused buffer through C pointers and copies its result out once: no buffer view
acquired, no buffer allocated, zeroed and copied twice a call. As plain Python the loop
is slow: bot.core.normalize uses it only where it is compiled (`COMPILED`); types in
folding.pxd.
"""

from __future__ import annotations

import cython  # type: ignore[import-untyped]  # (cython.compiled: see fold_padded)

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
    buffer = _SCRATCH
    if len(buffer) < len(text) + 2:  # (a text longer than any article: a buffer of its own)
        buffer = bytearray(len(text) + 2)
    # Compiled, `folded` and `out` are C pointers into `table` and the scratch buffer
    # (folding.pxd): reading and writing a byte is a load and a store, not a call, and
    # neither needs a buffer view acquired. The result is copied out of the scratch
    # buffer once: no buffer of the text's size is allocated, zeroed and copied twice.
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
    # Compiled, `out` is a C pointer: its slice is bytes, copied once (plain, a bytearray).
    folded_text: bytes = out[:n]  # type: ignore[assignment]
    return folded_text if cython.compiled else bytes(folded_text)


# Where `fold_padded` writes before it copies its result out: room for an article's text
# (bot.ingest.process.MAX_TEXT_CHARS) and more. It never grows: a longer text (a hostile
# feed's megabytes) gets a buffer of its own, freed with it, not kept for the process's life.
# (The loop holds the GIL and calls nothing, so no other call can write here meanwhile.)
_SCRATCH = bytearray(1 << 16)
