"""`mujaz run` in webhook mode, as a separate process: only posts that carry the secret
reach the bot; malformed or oversized ones are refused and the bot keeps running.
`mujaz webhook info|delete` ask the fake Bot API what Telegram would say."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.bot.harness import free_port
from tests.fakes.bot_api import FakeBotAPI
from tests.ops.bot_process import base_env, mujaz, mujaz_done, terminate

SECRET = "s3cret_Token-for-tests"
STRANGER = 8  # a chat whose forged update must get no reply


def forged_update(update_id: int) -> dict[str, Any]:
    chat = {"id": STRANGER, "type": "private", "first_name": "X"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "from": {"id": STRANGER, "is_bot": False, "first_name": "X"},
            "chat": chat,
            "date": int(time.time()),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_the_webhook_answers_only_telegrams_posts_and_survives_bad_ones(
    fake_bot_api: FakeBotAPI, tmp_path: Path
) -> None:
    api = fake_bot_api
    api.add_chat(STRANGER)
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg"
    env = base_env(
        api,
        tmp_path,
        DATABASE_PATH=str(tmp_path / "mujaz.db"),
        OPS_LISTEN=f"127.0.0.1:{port}",
        WEBHOOK_URL=hook,
        WEBHOOK_SECRET=SECRET,
    )
    bot = await mujaz(env, tmp_path, tmp_path / "bot.log", "run")
    try:
        await api.wait_for(lambda: api.webhook.url == hook, timeout=60)
        ((_, params),) = [r for r in api.requests if r[0] == "setWebhook"]
        assert params["secret_token"] == SECRET and "message" in params["allowed_updates"]

        async with aiohttp.ClientSession() as session:

            async def post(body: bytes, secret: str | None) -> int:
                headers = {"Content-Type": "application/json"}
                if secret is not None:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = secret
                async with session.post(hook, data=body, headers=headers) as response:
                    return response.status

            forged = json.dumps(forged_update(900)).encode()
            assert await post(forged, None) == 403
            assert await post(forged, "wrong-secret") == 403
            assert await post(forged, SECRET[:-1]) == 403
            assert await post(b'{"update_id": 901, "message": {', SECRET) == 400
            assert await post(b"[1, 2, 3]", SECRET) == 400
            assert await post(b'{"no": "update id"}', SECRET) == 400
            assert await post(b"{" + b" " * (2 * 1024 * 1024) + b"}", SECRET) == 413

        api.user_sends(7, "/start")  # Telegram's own post, with the secret
        await api.wait_for_messages(7, 1, timeout=30)
        assert api.messages_to(STRANGER) == []  # nothing forged got a reply
        assert bot.returncode is None

        info = await mujaz_done(env, tmp_path, "webhook", "info")
        assert info.code == 0, info.err
        assert f"url: {hook}" in info.out and "pending_update_count: 0" in info.out
    finally:
        code = await terminate(bot)
    assert code == 0, (tmp_path / "bot.log").read_text()

    deleted = await mujaz_done(env, tmp_path, "webhook", "delete")
    assert deleted.code == 0, deleted.err
    assert api.webhook.url == ""
    info = await mujaz_done(env, tmp_path, "webhook", "info")
    assert "no webhook" in info.out
    await asyncio.sleep(0)
