"""Compression bombs, made by code at test time (none is stored in the repository)."""

from __future__ import annotations

import base64
import gzip
import zlib

import brotli

MIB = 1 << 20


def brotli_bomb(mib: int) -> bytes:
    """`mib` MiB of zeros as brotli: about 190 bytes a MiB."""
    compressor = brotli.Compressor(quality=1)
    zeros = bytes(MIB)
    return b"".join([*(compressor.process(zeros) for _ in range(mib)), compressor.finish()])


def gzip_bomb(mib: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MIB)
    return b"".join([*(compressor.compress(zeros) for _ in range(mib)), compressor.flush()])


def double_gzip_bomb(mib: int) -> bytes:
    """A gzip bomb gzipped again: a few KB that `Content-Encoding: gzip, gzip` expands twice."""
    return gzip.compress(gzip_bomb(mib), 9)


def entity_chain(depth: int = 50_000, *, encoding: str = "utf-8") -> bytes:
    """An RSS feed whose title expands through `depth` entities, each naming the next.

    expat before 2.7.0 recurses once per level and overflows its stack: at 50,000 levels
    (about 1.3 MB) the process parsing it dies of SIGSEGV. A comment holding `<x` ends
    feedparser's own search for declarations to strip, so expat reads them all.
    """
    declarations = ['<!ENTITY e0 "x">'] + [
        f'<!ENTITY e{level} "&e{level - 1};">' for level in range(1, depth + 1)
    ]
    document = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE rss [\n<!-- <x -->\n'
        + "\n".join(declarations)
        + f'\n]>\n<rss version="2.0"><channel><title>&e{depth};</title>'
        "<link>https://example.org/</link><description>x</description>"
        "<item><title>t</title><link>https://example.org/1</link></item></channel></rss>"
    )
    return document.encode(encoding)


def utf7_markup(document: bytes) -> bytes:
    """`document` with its markup characters in UTF-7 (`<` as `+ADw-`) after a first line
    that says `encoding="utf-7"` in a processing instruction, which feedparser believes."""
    rest = document.decode("utf-8").split("\n", 1)[1]  # the XML declaration goes
    spelled = "".join(
        f"+{base64.b64encode(ch.encode('utf-16-be')).decode().rstrip('=')}-"
        if ch in '<!&"[]>%;'
        else ch
        for ch in rest
    )
    return b'<?feed encoding="utf-7"?>\n' + spelled.encode("ascii")
