"""A local HTTP server that plays feed publishers, well-behaved or not.

Each path serves a Route: fixture bytes with a status and headers, plus the
misbehaviour a test asks for — a slow or trickling body, a connection reset,
redirects (loops included), an endless oversized body, Retry-After — and the
conditional-GET manners of a good server (ETag, Last-Modified, 304).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.utils import format_datetime, parsedate_to_datetime

import brotli
import pytest
from aiohttp import web


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "application/rss+xml; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None  # answer 304 to a matching If-None-Match
    last_modified: str | None = None  # answer 304 to an If-Modified-Since not older
    redirect_to: str | None = None  # a path or URL; with status 301/302/307/308
    delay: float = 0.0  # seconds before the headers
    trickle: float = 0.0  # seconds between chunks of the body
    chunk: int = 64
    reset: bool = False  # drop the connection (RST) instead of answering
    reset_after_headers: bool = False  # send headers and part of the body, then RST
    endless: int = 0  # stream this many bytes of filler after the body, with no length
    encoding: str | None = None  # "gzip" or "br": compress the body on the wire


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []  # (path, request headers)
        self._runner: web.AppRunner | None = None
        self.base = ""

    def serve(self, path: str, body: bytes | str = b"", **options: object) -> str:
        """Serve `body` at `path`; returns the full URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **options)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 301) -> str:
        return self.serve(path, status=status, redirect_to=to)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        """The request headers of every request to `path`."""
        return [headers for p, headers in self.requests if p == path]

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path_qs, dict(request.headers)))
        route = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if route is None:
            return web.Response(status=404, text="not found")
        if route.delay:
            await asyncio.sleep(route.delay)
        if route.reset:
            _reset(request)
            return web.Response()  # never sent: the connection is gone
        if route.redirect_to is not None:
            return web.Response(
                status=route.status if route.status in (301, 302, 303, 307, 308) else 301,
                headers={"Location": route.redirect_to, **route.headers},
            )
        if _not_modified(route, request):
            etag = route.etag or route.headers.get("ETag")
            validators = {"ETag": etag} if etag else {}
            if route.last_modified:
                validators["Last-Modified"] = route.last_modified
            return web.Response(status=304, headers={**validators, **route.headers})
        return await self._send(route, request)

    async def _send(self, route: Route, request: web.Request) -> web.StreamResponse:
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        body = route.body
        if route.encoding == "gzip":
            body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
        elif route.encoding == "br":
            body, headers["Content-Encoding"] = brotli.compress(body), "br"
        headers["Content-Type"] = route.content_type
        if not (route.trickle or route.endless or route.reset_after_headers):
            return web.Response(body=body, status=route.status, headers=headers)
        response = web.StreamResponse(status=route.status, headers=headers)
        if not route.endless:
            response.content_length = len(body)
        await response.prepare(request)
        for start in range(0, len(body), route.chunk):
            await response.write(body[start : start + route.chunk])
            if route.reset_after_headers:
                _reset(request)
                return response
            if route.trickle:
                await asyncio.sleep(route.trickle)
        filler = b"<!-- filler -->" * 4096
        sent = 0
        while sent < route.endless:
            await response.write(filler)
            sent += len(filler)
        await response.write_eof()
        return response


def _not_modified(route: Route, request: web.Request) -> bool:
    etag = route.etag or route.headers.get("ETag")
    if etag and request.headers.get("If-None-Match") == etag:
        return True
    since = request.headers.get("If-Modified-Since")
    if route.last_modified and since and not etag:
        try:
            return parsedate_to_datetime(since) >= parsedate_to_datetime(route.last_modified)
        except (TypeError, ValueError):
            return False
    return False


def _reset(request: web.Request) -> None:
    """Close the socket with SO_LINGER 0, so the client sees a TCP reset."""
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


def http_date(moment: object) -> str:
    """An HTTP date for headers (Last-Modified, Retry-After, Expires)."""
    return format_datetime(moment, usegmt=True)  # type: ignore[arg-type]


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
