"""A compressed body is measured while it is decompressed: a bomb costs at most about the
size cap in memory and is reported as too large; stacked encodings are refused unread."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterator

import brotli
import pytest

from bot.ingest.decode import BoundedBody, EncodingRefused, TooLarge
from bot.ingest.fetch import FetchLimits, fetch, new_client
from tests.fakes.feed_server import FeedServer
from tests.feeds import rss, sports_item
from tests.hostile.bombs import MIB, brotli_bomb, double_gzip_bomb, gzip_bomb

CAP = 1 * MIB
LIMITS = FetchLimits(max_bytes=CAP, total_timeout=20)


@pytest.fixture
def traced() -> Iterator[None]:
    tracemalloc.start()
    try:
        yield
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("encoding", "bomb"),
    [("br", lambda: brotli_bomb(512)), ("gzip", lambda: gzip_bomb(512))],
    ids=["brotli", "gzip"],
)
async def test_a_bomb_is_cut_off_at_the_cap_while_decoding(
    feed_server: FeedServer, traced: None, encoding: str, bomb: object
) -> None:
    body = bomb()  # type: ignore[operator]
    url = feed_server.serve(
        "/bomb.xml", body, headers={"Content-Encoding": encoding}, content_type="application/xml"
    )
    tracemalloc.reset_peak()
    async with new_client(LIMITS, allow_private=True) as client:
        result = await fetch(client, url, limits=LIMITS)
    _, peak = tracemalloc.get_traced_memory()
    assert result.status == "too-large"
    assert peak < 6 * CAP, f"decoding held {peak / MIB:.0f} MiB for a {CAP / MIB:.0f} MiB cap"


async def test_a_stacked_content_encoding_is_refused(feed_server: FeedServer) -> None:
    url = feed_server.serve(
        "/double.xml",
        double_gzip_bomb(256),
        headers={"Content-Encoding": "gzip, gzip"},
        content_type="application/xml",
    )
    async with new_client(LIMITS, allow_private=True) as client:
        result = await fetch(client, url, limits=LIMITS)
    assert result.status == "bad-encoding"
    assert "stacked" in (result.error or "")


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("identity", lambda data: data),
        ("", lambda data: data),
    ],
)
async def test_an_ordinary_compressed_feed_still_reads(
    feed_server: FeedServer, encoding: str, pack: object
) -> None:
    document = rss([sports_item()]).encode()
    headers = {"Content-Encoding": encoding} if encoding else {}
    url = feed_server.serve(
        "/ok.xml",
        pack(document),
        headers=headers,
        content_type="application/rss+xml",  # type: ignore[operator]
    )
    async with new_client(LIMITS, allow_private=True) as client:
        result = await fetch(client, url, limits=LIMITS)
    assert (result.status, result.body) == ("ok", document)


def test_one_chunk_that_expands_a_thousandfold_yields_at_most_about_the_cap() -> None:
    body = BoundedBody("br", CAP)
    with pytest.raises(TooLarge):
        body.feed(brotli_bomb(64))  # the whole bomb arrives in one read
    assert CAP < len(body.body) <= 2 * CAP


@pytest.mark.parametrize("encoding", ["gzip, br", "compress", "zstd, gzip"])
def test_unknown_or_stacked_encodings_are_refused_before_reading(encoding: str) -> None:
    with pytest.raises(EncodingRefused):
        BoundedBody(encoding, CAP)


def test_a_broken_compressed_body_is_refused_not_raised() -> None:
    body = BoundedBody("gzip", CAP)
    with pytest.raises(EncodingRefused):
        body.feed(b"\x1f\x8b\x08\x00garbage that is no deflate stream")
