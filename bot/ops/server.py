"""The operations server on OPS_LISTEN (aiohttp.web): /healthz, /metrics and, in webhook
mode, the route Telegram posts updates to.

- GET /healthz: 200 `{"ok": true, ...}` while healthy, else 503 with the reasons.
- GET /metrics: the Prometheus text exposition.
- POST WEBHOOK_PATH: an update from Telegram. The X-Telegram-Bot-Api-Secret-Token
  header must be WEBHOOK_SECRET (403 otherwise, and the update is not handled); a
  body that is no JSON update is 400; one over MAX_UPDATE_BYTES is 413. A good
  update is queued for the Application and answered 200 at once.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from telegram import Update

from bot.delivery.outbox import outbox_of
from bot.errors import ConfigError
from bot.ops import Ops
from bot.ops.metrics import CONTENT_TYPE
from storage.ops import OpsRepository

log = logging.getLogger(__name__)

MAX_UPDATE_BYTES = 1024 * 1024  # an update is a few KB; Telegram's largest are far below this
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Repository = Callable[[], OpsRepository | None]


class OpsServer:
    def __init__(
        self,
        app: Any,  # the MujazApp: its bot, update queue and outbox
        ops: Ops,
        repository: Repository,
        *,
        listen: str,
        webhook_path: str | None = None,
        webhook_secret: str | None = None,
    ) -> None:
        self.app = app
        self.ops = ops
        self.repository = repository
        self.listen = listen
        self.webhook_path = webhook_path
        self.webhook_secret = webhook_secret
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        web_app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        web_app.router.add_get("/healthz", self._healthz)
        web_app.router.add_get("/metrics", self._metrics)
        if self.webhook_path is not None:
            web_app.router.add_post(self.webhook_path, self._update)
        self._runner = web.AppRunner(
            web_app, access_log=None, handle_signals=False, shutdown_timeout=2.0
        )
        await self._runner.setup()
        host, _, port = self.listen.rpartition(":")
        site = web.TCPSite(self._runner, host.strip("[]"), int(port))
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            raise ConfigError(
                f"OPS_LISTEN: cannot listen on {self.listen}: {exc.strerror}"
            ) from None
        bound = self._runner.addresses[0][1]  # the port taken, when OPS_LISTEN asked for 0
        self.url = f"http://{host}:{bound}"
        log.info("operations server on %s (/healthz, /metrics%s)", self.url, self._webhook_note())

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    def _webhook_note(self) -> str:
        return f", webhook {self.webhook_path}" if self.webhook_path else ""

    # ---- routes ---------------------------------------------------------------------------

    async def _healthz(self, request: web.Request) -> web.Response:
        problems = await self.ops.health.check(self.repository(), outbox_of(self.app.bot))
        body = {"ok": not problems, "reasons": problems, "seconds_since": self.ops.health.ages()}
        return web.json_response(body, status=503 if problems else 200)

    async def _metrics(self, request: web.Request) -> web.Response:
        self.ops.metrics.outbox = outbox_of(self.app.bot)
        payload = await self.ops.metrics.render(self.repository())
        return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE})

    async def _update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        expected = self.webhook_secret or ""
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("webhook post refused: wrong or missing secret token")
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        if (request.content_length or 0) > MAX_UPDATE_BYTES:
            return web.json_response({"ok": False, "error": "too large"}, status=413)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return web.json_response({"ok": False, "error": "too large"}, status=413)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            update = Update.de_json(data, self.app.bot)
        except Exception as exc:  # whatever a malformed body raises, the bot keeps running
            log.warning("webhook post refused: %s", str(exc)[:200])
            return web.json_response({"ok": False, "error": "bad update"}, status=400)
        self.ops.health.update_arrived()
        await self.app.update_queue.put(update)
        return web.json_response({"ok": True})
