"""Webhooks as Telegram runs them: setWebhook, getWebhookInfo and deleteWebhook, and the
posting itself: while a webhook is set, each queued update is POSTed to its URL as JSON
with the ``X-Telegram-Bot-Api-Secret-Token`` header, in order, until the bot answers 2xx
(a failure is kept as ``last_error_*`` and the update is tried again), and getUpdates
answers 409.

Telegram takes only HTTPS on ports 443, 80, 88 and 8443; a local Bot API server
(``--local``) also takes plain HTTP and any port, which is what a loopback URL gets here.
Tests never reach the internet: a webhook off loopback is accepted and shown by
getWebhookInfo, but updates are posted to loopback URLs only.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from urllib.parse import urlsplit

import aiohttp

from .protocol import ApiError, JSONDict
from .updates import Updates

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_PORTS = (443, 80, 88, 8443)
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
RETRY_SECONDS = 0.2
_HTTPS_ONLY = "An HTTPS URL must be provided for webhook"
_PORTS_ONLY = "Webhook can be set up only on ports 80, 88, 443 or 8443"


class Webhook:
    def __init__(self, updates: Updates) -> None:
        self._updates = updates
        self.url = ""
        self.secret: str | None = None
        self.allowed_updates: list[str] | None = None
        self.max_connections = 40
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.posts: list[tuple[int, int | str]] = []  # (update_id, HTTP status or error)
        self._task: asyncio.Task[None] | None = None

    # ==== Bot API methods ========================================================================

    async def set_webhook(self, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:
            await self._stop()
            self.url = ""
            return True
        parts = urlsplit(url)
        local = parts.hostname in _LOCAL_HOSTS
        if parts.scheme != "https" and not (local and parts.scheme == "http"):
            raise ApiError(400, f"Bad Request: bad webhook: {_HTTPS_ONLY}")
        if not local and (parts.port or 443) not in _PORTS:
            raise ApiError(400, f"Bad Request: bad webhook: {_PORTS_ONLY}")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if allowed is not None and (
            not isinstance(allowed, list) or not all(isinstance(t, str) for t in allowed)
        ):
            raise ApiError(400, "Bad Request: can't parse allowed_updates JSON object")
        connections = int(params.get("max_connections") or 40)
        if not 1 <= connections <= 100:
            raise ApiError(400, "Bad Request: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self._updates.drop_all()
        await self._stop()
        self.url, self.secret, self.max_connections = url, secret, connections
        if allowed is not None:
            self.allowed_updates = allowed
            self._updates.allow(allowed)
        self.last_error_date = self.last_error_message = None
        self._updates.webhook_active = True
        if local:
            self._task = asyncio.get_running_loop().create_task(self._post_forever())
        return True

    async def get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self._updates.pending(),
        }
        if self.url:
            info["max_connections"] = self.max_connections
            if self.allowed_updates is not None:
                info["allowed_updates"] = self.allowed_updates
        if self.last_error_date is not None:
            info["last_error_date"] = self.last_error_date
            info["last_error_message"] = self.last_error_message
        return info

    async def delete_webhook(self, params: JSONDict) -> bool:
        await self._stop()
        self.url = ""
        self.secret = None
        if params.get("drop_pending_updates"):
            self._updates.drop_all()
        return True

    async def close(self) -> None:
        await self._stop()

    # ==== posting ================================================================================

    async def _stop(self) -> None:
        self._updates.webhook_active = False
        if self._task is not None:
            task, self._task = self._task, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _post_forever(self) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret} if self.secret else {}
        timeout = aiohttp.ClientTimeout(total=10)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                update = await self._updates.next_for_webhook()
                status: int | str
                try:
                    async with session.post(self.url, json=update, headers=headers) as response:
                        status = response.status
                        ok = 200 <= status < 300
                        error = f"Wrong response from the webhook: {status} {response.reason}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    status, ok = type(exc).__name__, False
                    error = f"Connection failed: {exc}"
                self.posts.append((update["update_id"], status))
                if ok:
                    self._updates.confirm_one(update["update_id"])
                    continue
                self.last_error_date, self.last_error_message = int(time.time()), error
                await asyncio.sleep(RETRY_SECONDS)
