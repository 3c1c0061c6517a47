"""Fetch a feed's (or an article page's) bytes over HTTP, politely and within bounds.

- Conditional GET: the stored ETag and Last-Modified go out; a 304 is cheap.
- Redirects are followed by hand, up to a cap, so a loop is named as one and a
  chain of permanent redirects (301/308) tells the caller the feed has moved.
- httpx timeouts apply per read, so a server that trickles bytes would outlive
  them; the whole exchange is also bounded with asyncio.timeout.
- The body is read as a stream and cut off past the size cap, counted while it is
  decompressed (decode.py), so a gzip or brotli bomb never expands past the cap; a
  stacked Content-Encoding is refused; a Content-Length over the cap is refused
  before a byte is read.
- At most `concurrency` requests run at once, and one at a time per host.
- Only public addresses are reached, at every hop of a redirect chain: the client's
  connections go through guard.py, which resolves each host once, refuses it if any
  of its addresses is loopback, private, link-local… (status `private-address`, and
  a permanent redirect there does not move the feed), and connects to the very
  address it checked, so DNS rebinding cannot slip past. `ALLOW_PRIVATE_FEEDS=1`
  lifts the refusal.

Every outcome is a FetchResult with a short kebab status; nothing raises.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import httpcore
import httpx

from bot.core.urls import host_of, is_web_url
from bot.ingest.decode import BoundedBody, EncodingRefused, TooLarge
from bot.ingest.guard import (
    GuardedBackend,
    GuardedTransport,
    PrivateAddress,
    Resolve,
    system_resolve,
)
from bot.models import FeedStatus, http_status

USER_AGENT = (
    "Mujaz/0.1 (+https://t.me/mujaz_bot; Telegram news digest bot; "
    "checks each feed at most every few minutes)"
)
FEED_TYPES = (
    "application/rss+xml, application/atom+xml, application/feed+json,"
    " application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
PAGE_TYPES = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PERMANENT = frozenset((301, 308))
REDIRECTS = frozenset((301, 302, 303, 307, 308))


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one fetch. Tests pass small ones; production keeps the defaults."""

    max_bytes: int = 5 * 1024 * 1024
    total_timeout: float = 30.0  # the whole exchange, redirects and body included
    connect_timeout: float = 10.0
    read_timeout: float = 15.0  # between two reads
    max_redirects: int = 5
    concurrency: int = 16  # requests in flight across all hosts
    per_host: int = 1  # requests in flight to one host


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: str  # a FeedStatus, or http_status(code) for an HTTP error
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lowercase names
    error: str | None = None
    moved_to: str | None = None  # set when every redirect on the way was permanent
    retry_after: float | None = None  # seconds the server asked us to wait
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == FeedStatus.OK


def new_client(
    limits: FetchLimits | None = None,
    *,
    allow_private: bool = False,
    resolve: Resolve = system_resolve,
    network: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncClient:
    """The shared client: our User-Agent, per-read timeouts, gzip/brotli, no auto-redirects,
    public addresses only unless `allow_private` (`resolve` and `network`: see guard.py)."""
    limits = limits or FetchLimits()
    backend = GuardedBackend(allow_private=allow_private, resolve=resolve, network=network)
    pool = httpx.Limits(max_connections=limits.concurrency, max_keepalive_connections=20)
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept": FEED_TYPES},
        timeout=httpx.Timeout(
            limits.read_timeout, connect=limits.connect_timeout, pool=limits.total_timeout
        ),
        follow_redirects=False,
        transport=GuardedTransport(backend, pool),
    )


class Fetcher:
    """The client plus the politeness rules: a global cap and one request per host."""

    def __init__(self, client: httpx.AsyncClient, limits: FetchLimits | None = None) -> None:
        self.client = client
        self.limits = limits or FetchLimits()
        self._slots = asyncio.Semaphore(self.limits.concurrency)
        self._hosts: dict[str, tuple[asyncio.Semaphore, int]] = {}

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_TYPES,
        limits: FetchLimits | None = None,
    ) -> FetchResult:
        """GET `url` once its host and a global slot are free; waiting does not count as time."""
        async with self._host(host_of(url)), self._slots:
            return await fetch(
                self.client,
                url,
                etag=etag,
                last_modified=last_modified,
                accept=accept,
                limits=limits or self.limits,
            )

    @asynccontextmanager
    async def _host(self, host: str) -> AsyncIterator[None]:
        gate, users = self._hosts.get(host) or (asyncio.Semaphore(self.limits.per_host), 0)
        self._hosts[host] = (gate, users + 1)
        try:
            async with gate:
                yield
        finally:
            gate, users = self._hosts[host]
            if users <= 1:
                del self._hosts[host]  # the map holds only hosts in use
            else:
                self._hosts[host] = (gate, users - 1)


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept: str = FEED_TYPES,
    limits: FetchLimits | None = None,
) -> FetchResult:
    """One bounded GET with redirects followed by hand. Never raises."""
    limits = limits or FetchLimits()
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    started = time.monotonic()
    current = url
    try:
        async with asyncio.timeout(limits.total_timeout):
            result = await _follow(client, url, headers, limits)
    except PrivateAddress as exc:  # raised at connect time, at whichever hop led there
        result = _failed(current, FeedStatus.PRIVATE_ADDRESS, str(exc))
    except TimeoutError:
        result = _failed(
            current, FeedStatus.TIMEOUT, f"no complete answer within {limits.total_timeout:g} s"
        )
    except httpx.TimeoutException as exc:
        result = _failed(current, FeedStatus.TIMEOUT, f"{type(exc).__name__}: no answer in time")
    except httpx.ConnectError as exc:
        result = _failed(current, FeedStatus.CONNECT_FAILED, _describe(exc))
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.CloseError) as exc:
        result = _failed(current, FeedStatus.CONNECTION_RESET, _describe(exc))
    except httpx.DecodingError as exc:
        result = _failed(current, FeedStatus.BAD_ENCODING, _describe(exc))
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        result = _failed(current, FeedStatus.BAD_URL, _describe(exc))
    except httpx.HTTPError as exc:
        result = _failed(current, FeedStatus.NETWORK_ERROR, _describe(exc))
    return replace(result, elapsed=time.monotonic() - started)


async def _follow(
    client: httpx.AsyncClient, url: str, headers: dict[str, str], limits: FetchLimits
) -> FetchResult:
    seen: set[str] = set()
    permanent = True
    current = url
    for _ in range(limits.max_redirects + 1):
        if current in seen:
            return _failed(url, FeedStatus.REDIRECT_LOOP, f"redirects lead back to {current}")
        seen.add(current)
        request_timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
        async with client.stream(
            "GET", current, headers=headers, follow_redirects=False, timeout=request_timeout
        ) as response:
            lower = {k.lower(): v for k, v in response.headers.items()}
            code = response.status_code
            if code in REDIRECTS and "location" in lower:
                target = urljoin(current, lower["location"].strip())
                if not is_web_url(target):
                    return _failed(
                        url, FeedStatus.BAD_REDIRECT, f"redirect to a non-web address {target}"
                    )
                permanent = permanent and code in PERMANENT
                current = target
                continue
            moved = current if permanent and current != url else None
            retry_after = parse_retry_after(lower.get("retry-after"))
            if code == 304:
                # Read the (empty) body so the connection goes back to the pool: an
                # unread response is closed, and the next feed of the host reconnects.
                await response.aread()
                return FetchResult(current, FeedStatus.NOT_MODIFIED, headers=lower, moved_to=moved)
            if code >= 300 or code < 200:
                reason = response.reason_phrase or ""
                return FetchResult(
                    current,
                    http_status(code),
                    headers=lower,
                    error=f"HTTP {code} {reason}".strip(),
                    moved_to=moved,
                    retry_after=retry_after,
                )
            declared = _int(lower.get("content-length"))
            if declared is not None and declared > limits.max_bytes:
                return _too_large(current, lower, limits, moved)
            try:
                body = BoundedBody(lower.get("content-encoding"), limits.max_bytes)
                async for chunk in response.aiter_raw():
                    body.feed(chunk)
                content = body.finish()
            except TooLarge:
                return _too_large(current, lower, limits, moved)
            except EncodingRefused as exc:
                return _failed(current, FeedStatus.BAD_ENCODING, str(exc))
            return FetchResult(
                current, FeedStatus.OK, content, lower, moved_to=moved, retry_after=retry_after
            )
    return _failed(
        url, FeedStatus.TOO_MANY_REDIRECTS, f"more than {limits.max_redirects} redirects"
    )


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    seconds = moment.timestamp() - (time.time() if now is None else now)
    return max(seconds, 0.0)


def _too_large(
    url: str, headers: dict[str, str], limits: FetchLimits, moved: str | None
) -> FetchResult:
    return FetchResult(
        url,
        FeedStatus.TOO_LARGE,
        headers=headers,
        error=f"response over {limits.max_bytes} bytes",
        moved_to=moved,
    )


def _failed(url: str, status: str, error: str) -> FetchResult:
    return FetchResult(url, status, error=error[:300])


def _describe(exc: Exception) -> str:
    text = str(exc) or "the server closed the connection"
    return f"{type(exc).__name__}: {text}"[:300]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
