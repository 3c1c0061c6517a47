"""Webhook mode: Telegram posts updates to WEBHOOK_URL instead of the bot polling.

The updates arrive at the operations server (bot/ops/server.py), which checks the
secret and queues them for the Application; nothing of PTB's own webhook server
(tornado) is used. `run_webhook` is `run_polling`'s twin: start, register the
webhook, run until a stop signal or `stop_running()`, then stop in the same order.
Polling stays the default; `mujaz run` switches when WEBHOOK_URL is set.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import Bot, Update
from telegram.error import NetworkError, TelegramError

from bot.config import Settings

log = logging.getLogger(__name__)

# The update types the bot asks for, polling or webhook alike.
ALLOWED_UPDATES: list[str] = list(Update.ALL_TYPES)
REGISTER_TRIES = 3


async def register(bot: Bot, settings: Settings) -> None:
    """setWebhook with our URL, secret and allowed updates; a network error is tried again."""
    assert settings.webhook_url and settings.webhook_secret
    for attempt in range(1, REGISTER_TRIES + 1):
        try:
            await bot.set_webhook(
                settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            break
        except NetworkError as exc:
            if attempt == REGISTER_TRIES:
                raise
            log.warning("setWebhook failed (%s); trying again", exc)
            await asyncio.sleep(2**attempt)
    log.info("webhook set: Telegram posts updates to %s", settings.webhook_url)


async def start_webhook(app: Any, settings: Settings) -> None:
    """Start handling updates, then ask Telegram to post them (an initialized app)."""
    from bot.ops import Ops

    await app.start()
    await register(app.bot, settings)
    ops = getattr(app.bot_data, "ops", None)
    if isinstance(ops, Ops):
        ops.health.webhook_registered()


def run_webhook(app: Any, settings: Settings) -> None:
    """Run the bot in webhook mode until SIGINT/SIGTERM or `app.stop_running()`."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGABRT):
        loop.add_signal_handler(sig, loop.stop)
    try:
        loop.run_until_complete(app.initialize())
        if app.post_init:
            loop.run_until_complete(app.post_init(app))
        loop.run_until_complete(start_webhook(app, settings))
        loop.run_forever()  # app.stop_running() stops the loop, as in run_polling
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        try:
            if app.running:
                loop.run_until_complete(app.stop())
                if app.post_stop:
                    loop.run_until_complete(app.post_stop(app))
            loop.run_until_complete(app.shutdown())
            if app.post_shutdown:
                loop.run_until_complete(app.post_shutdown(app))
        finally:
            loop.close()


async def info(bot: Bot) -> dict[str, Any]:
    """getWebhookInfo as a plain dict (`mujaz webhook info`)."""
    result = await bot.get_webhook_info()
    return {k: v for k, v in result.to_dict().items() if v not in (None, [], "")}


async def delete(bot: Bot) -> bool:
    """deleteWebhook (`mujaz webhook delete`): back to polling."""
    try:
        return await bot.delete_webhook()
    except TelegramError as exc:
        log.error("deleteWebhook failed: %s", exc)
        raise
