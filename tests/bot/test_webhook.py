"""Webhook mode in the running bot: setWebhook carries the secret and the same update types
polling asks for, and the fake Bot API posts each update to the bot's own server."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from telegram import Update

from tests.bot.harness import free_port, running
from tests.fakes.bot_api import FakeBotAPI

SECRET = "a-Secret_token-42"


async def test_updates_posted_to_the_webhook_are_answered_and_nothing_polls(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with running(
        fake_bot_api,
        tmp_path,
        ops_listen=f"127.0.0.1:{port}",
        webhook_url=url,
        webhook_secret=SECRET,
    ) as bot:
        ((_, params),) = [r for r in fake_bot_api.requests if r[0] == "setWebhook"]
        assert params["url"] == url
        assert params["secret_token"] == SECRET
        assert params["allowed_updates"] == list(Update.ALL_TYPES)

        reply = await bot.say(7, "/start")
        assert "موجز" in reply["text"]
        assert fake_bot_api.webhook.posts == [(1, 200)]
        assert not [m for m, _ in fake_bot_api.requests if m == "getUpdates"]

        health = f"http://127.0.0.1:{port}/healthz"
        async with aiohttp.ClientSession() as session, session.get(health) as response:
            assert response.status == 200


async def test_polling_stays_the_default_and_asks_for_the_same_update_types(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    async with running(fake_bot_api, tmp_path) as bot:
        await bot.say(7, "/start")
    polls = [p for m, p in fake_bot_api.requests if m == "getUpdates"]
    assert polls and polls[0]["allowed_updates"] == list(Update.ALL_TYPES)
    assert not [m for m, _ in fake_bot_api.requests if m == "setWebhook"]


async def test_the_fake_refuses_a_webhook_telegram_would_refuse(fake_bot_api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as session:

        async def set_webhook(**params: object) -> tuple[int, str]:
            target = f"{fake_bot_api.url}/bot{fake_bot_api.token}/setWebhook"
            async with session.post(target, json=params) as response:
                body = await response.json()
                return response.status, body.get("description", "")

        assert await set_webhook(url="http://example.com/hook") == (
            400,
            "Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
        )
        assert (await set_webhook(url="https://example.com:8080/hook"))[0] == 400
        assert await set_webhook(url="https://example.com/hook", secret_token="no spaces") == (
            400,
            "Bad Request: secret token contains unallowed characters",
        )
        assert (await set_webhook(url="https://example.com/hook", secret_token="ok_1"))[0] == 200
        async with session.get(
            f"{fake_bot_api.url}/bot{fake_bot_api.token}/getUpdates"
        ) as response:
            assert response.status == 409  # no polling while a webhook is set
        assert (await set_webhook(url=""))[0] == 200  # an empty URL removes it
        assert fake_bot_api.webhook.url == ""
