"""Content-Encoding, decoded within the size cap while decoding.

httpx decodes each network chunk whole: 3 KB of brotli or 1 KB of gzip inside gzip
can expand to gigabytes in one call, before any size check sees it. Here the raw
stream is decoded with each decompressor told how much output it may produce, so
memory never exceeds the cap by more than one step. One encoding at most: a
stacked `Content-Encoding: gzip, gzip` is what bombs use; no feed needs it.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from typing import Protocol

import brotli


class EncodingRefused(Exception):
    """The response uses an encoding we do not decode (stacked or unknown)."""


class TooLarge(Exception):
    """The decoded body passed the cap."""


class _Step(Protocol):
    def __call__(self, data: bytes, room: int) -> bytes: ...


class BoundedBody:
    """Collects a response body, decoding it and stopping as soon as it passes `limit`."""

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.limit = limit
        self.body = bytearray()
        self._decode, self._more = _decoder(content_encoding)

    def feed(self, raw: bytes) -> None:
        """Add one raw chunk; raises TooLarge once the decoded body is over the limit."""
        chunk = raw
        while True:
            room = self.limit - len(self.body) + 1  # one byte over proves "too large"
            self.body += self._decode(chunk, room)
            if len(self.body) > self.limit:
                raise TooLarge
            chunk = b""
            if not self._more():
                return

    def finish(self) -> bytes:
        self.feed(b"")
        return bytes(self.body)


def _decoder(content_encoding: str | None) -> tuple[_Step, Callable[[], bool]]:
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if len(codings) > 1:
        raise EncodingRefused(f"stacked Content-Encoding {content_encoding!r}")
    coding = codings[0] if codings else "identity"
    if coding == "identity":
        return (lambda data, room: data), lambda: False
    if coding in ("gzip", "x-gzip"):
        return _zlib(zlib.decompressobj(zlib.MAX_WBITS | 16))
    if coding == "deflate":
        return _deflate()
    if coding == "br":
        return _brotli()
    raise EncodingRefused(f"unknown Content-Encoding {content_encoding!r}")


def _zlib(state: zlib._Decompress) -> tuple[_Step, Callable[[], bool]]:
    pending = b""

    def step(data: bytes, room: int) -> bytes:
        nonlocal pending
        try:
            out = state.decompress(pending + data, room)
        except zlib.error as exc:
            raise EncodingRefused(f"broken compressed body: {exc}") from None
        pending = state.unconsumed_tail
        return out

    return step, lambda: bool(pending)


def _deflate() -> tuple[_Step, Callable[[], bool]]:
    """`deflate` is meant as zlib-wrapped, but some servers send it raw (as browsers allow)."""
    wrapped, more_wrapped = _zlib(zlib.decompressobj())
    raw, more_raw = _zlib(zlib.decompressobj(-zlib.MAX_WBITS))
    chosen: list[tuple[_Step, Callable[[], bool]]] = []

    def step(data: bytes, room: int) -> bytes:
        if not chosen:
            if not data:
                return b""
            try:
                out = wrapped(data, room)
            except EncodingRefused:
                chosen.append((raw, more_raw))
                return raw(data, room)
            chosen.append((wrapped, more_wrapped))
            return out
        return chosen[0][0](data, room)

    return step, lambda: bool(chosen) and chosen[0][1]()


def _brotli() -> tuple[_Step, Callable[[], bool]]:
    state = brotli.Decompressor()

    def step(data: bytes, room: int) -> bytes:
        try:
            if data and not state.can_accept_more_data():
                raise EncodingRefused("brotli decoder still holds output")  # never by design
            return bytes(state.process(data, output_buffer_limit=max(room, 1)))
        except brotli.error as exc:
            raise EncodingRefused(f"broken compressed body: {exc}") from None

    return step, lambda: not state.can_accept_more_data()
