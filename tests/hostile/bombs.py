"""Compression bombs, made by code at test time (none is stored in the repository)."""

from __future__ import annotations

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
