"""Fetch a feed's bytes over HTTP: bounded in time and size, conditional when we can be.

httpx timeouts apply per read, so a server that trickles bytes would outlive
them; the whole fetch is bounded with asyncio.timeout, and the body is read as
a stream so an oversized response is cut off instead of filling memory.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

USER_AGENT = "Mujaz/0.1 (+https://t.me/mujaz_bot; Telegram news digest bot)"
MAX_BYTES = 5 * 1024 * 1024
TOTAL_TIMEOUT = 30.0
FEED_TYPES = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


@dataclass(frozen=True)
class FetchResult:
    url: str  # after redirects
    status: (
        str  # "ok", "not-modified", or what went wrong ("http-404", "timeout", "too-large", ...)
    )
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lowercase names
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def new_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        headers={
            "User-Agent": USER_AGENT,
            "Accept": FEED_TYPES,
        },
        timeout=httpx.Timeout(10.0, connect=10.0),
        follow_redirects=True,
        max_redirects=5,
        limits=httpx.Limits(max_connections=20),
    )


async def fetch(
    client: httpx.AsyncClient,
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int = MAX_BYTES,
    total_timeout: float = TOTAL_TIMEOUT,
) -> FetchResult:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        async with asyncio.timeout(total_timeout):
            async with client.stream("GET", url, headers=headers) as response:
                final_url = str(response.url)
                lower = {k.lower(): v for k, v in response.headers.items()}
                if response.status_code == 304:
                    return FetchResult(final_url, "not-modified", headers=lower)
                if response.status_code >= 400:
                    return FetchResult(
                        final_url,
                        f"http-{response.status_code}",
                        headers=lower,
                        error=f"HTTP {response.status_code} {response.reason_phrase}",
                    )
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > max_bytes:
                        return FetchResult(
                            final_url,
                            "too-large",
                            headers=lower,
                            error=f"response over {max_bytes} bytes",
                        )
                return FetchResult(final_url, "ok", bytes(body), lower)
    except TimeoutError:
        return FetchResult(url, "timeout", error=f"no complete answer within {total_timeout:g} s")
    except httpx.TooManyRedirects:
        return FetchResult(url, "redirect-loop", error="too many redirects")
    except httpx.HTTPError as exc:
        return FetchResult(url, "network-error", error=f"{type(exc).__name__}: {exc}"[:300])
