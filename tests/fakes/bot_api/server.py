"""HTTP serving: the aiohttp server on 127.0.0.1, reading a request into typed params and
routing it to a Bot API method, with Telegram's answers for a wrong token or an unknown
method. Every request is logged, and every error answer too, for tests to read."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

from .files import FileStore
from .latency import Latency
from .limits import Limits
from .protocol import ApiError, JSONDict, UploadedFile, coerce
from .updates import GET_UPDATES_CONFLICT

_LOGGER = logging.getLogger(__name__)

_METHOD_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[^/]*)")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]*)/(?P<path>.+)")

Handler = Callable[[JSONDict], Awaitable[Any]]


class Server:
    """Routes ``/bot<token>/<method>`` to ``methods`` (matched case-insensitively, as Telegram
    does) and ``/file/bot<token>/<path>`` to the stored files.

    ``requests`` holds (method, params) of every method call; ``rejected`` holds (method,
    params, description) of every error answer.
    """

    def __init__(
        self,
        token: str,
        methods: Mapping[str, Handler],
        files: FileStore,
        limits: Limits,
        latency: Latency,
    ) -> None:
        self.token = token
        self.url = ""
        self.requests: list[tuple[str, JSONDict]] = []
        self.rejected: list[tuple[str, JSONDict, str]] = []
        self._methods = {name.lower(): (name, handler) for name, handler in methods.items()}
        self._files = files
        self._limits = limits
        self._latency = latency
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Binds a free port, so every test can have its own server."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        # handler_cancellation: a long poll the client gave up on doesn't keep waiting.
        self._runner = web.AppRunner(
            app,
            handle_signals=False,
            shutdown_timeout=1.0,
            handler_cancellation=True,
            access_log=None,
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        file_match = _FILE_PATH.fullmatch(request.path)
        if file_match is not None:
            return self._serve_file(file_match["token"], file_match["path"])
        match = _METHOD_PATH.fullmatch(request.path)
        if match is None:
            return _error_response(ApiError(404, "Not Found"))

        known = self._methods.get(match["method"].lower())
        method = known[0] if known else match["method"]
        params: JSONDict = {}
        await self._latency.way_there()  # from here on, Telegram has the request
        try:
            try:
                params = await _read_params(request)
            finally:
                self.requests.append((method, params))
            if match["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if known is None:
                raise ApiError(404, "Not Found")
            self._limits.check(method, params)
            result = await known[1](params)
        except ApiError as exc:
            # A poll the client already gave up on was not refused in any way the bot sees.
            if exc.description != GET_UPDATES_CONFLICT or not _client_gone(request):
                self.rejected.append((method, params, exc.description))
            await self._latency.way_back()
            return _error_response(exc)
        except Exception as exc:
            # A bug in the fake, not in the bot: show it in test output instead of a bare 500.
            _LOGGER.exception("fake Bot API crashed on %s", method)
            crash = ApiError(500, f"Internal Server Error: fake Bot API crashed: {exc!r}")
            self.rejected.append((method, params, crash.description))
            return _error_response(crash)
        await self._latency.way_back()
        return web.json_response({"ok": True, "result": result})

    def _serve_file(self, token: str, path: str) -> web.StreamResponse:
        stored = self._files.by_path(path)
        if token != self.token or stored is None:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")


async def _read_params(request: web.Request) -> JSONDict:
    """Reads the query string and the body (JSON, urlencoded or multipart) into typed params."""
    raw: dict[str, Any] = dict(request.query)
    if request.body_exists:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON encoded request must be an object")
            raw.update(body)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    raw[key] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    raw[key] = value
    return {key: coerce(key, value) for key, value in raw.items()}


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.error_code)


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()
