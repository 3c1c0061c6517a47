"""HTTP for the bot's requests to Telegram, on aiohttp.

python-telegram-bot's default transport (httpx) spends about a millisecond of CPU
per request here, so one core tops out near 600 messages a second; with aiohttp it
is several times that (bench/delivery.py measures both). Long polling keeps PTB's
default transport: it is one request at a time.

Errors map as in PTB's own transport: a timeout is TimedOut (the request may have
reached Telegram), anything else that kept the request from being answered is
NetworkError.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.core.secrets import redact

_DEFAULT = BaseRequest.DEFAULT_NONE


class AiohttpRequest(BaseRequest):
    def __init__(
        self,
        *,
        connections: int = 64,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._media_timeout = media_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = _DEFAULT,
        write_timeout: Any = _DEFAULT,
        connect_timeout: Any = _DEFAULT,
        pool_timeout: Any = _DEFAULT,
    ) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        fields = request_data.json_parameters if request_data else None
        files = request_data.multipart_data if request_data else None
        data: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            data = aiohttp.FormData()
            for name, value in (fields or {}).items():
                data.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                data.add_field(name, content, filename=filename, content_type=mimetype)
        read = self._read_timeout if read_timeout is _DEFAULT else read_timeout
        if files and write_timeout is _DEFAULT:
            read = max(read or 0.0, self._media_timeout or 0.0) or None
        connect = self._connect_timeout if connect_timeout is _DEFAULT else connect_timeout
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        try:
            # Never redirected: Telegram does not redirect, and a redirect elsewhere would
            # carry the token in its URL (and into error texts).
            async with self._session.request(
                method, url, data=data, timeout=timeout, allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(redact(f"aiohttp.{type(exc).__name__}: {exc}")) from None
