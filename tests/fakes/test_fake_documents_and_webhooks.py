"""The fake Bot API's sendDocument and webhook methods, through a real telegram.Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest

from .bot_api import FakeBotAPI

USER = 1001


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    fake_bot_api.user_sends(USER, "hello")
    async with Bot(fake_bot_api.token, base_url=f"{fake_bot_api.url}/bot") as real_bot:
        yield real_bot


async def test_send_document_takes_a_multipart_upload_with_an_html_caption(
    fake_bot_api: FakeBotAPI, bot: Bot
) -> None:
    data = b"Traceback (most recent call last):\n  ...\n"
    sent = await bot.send_document(
        USER, InputFile(data, filename="traceback.txt"), caption="<b>خطأ</b>", parse_mode="HTML"
    )
    assert sent.document is not None and sent.document.file_name == "traceback.txt"
    assert sent.document.file_size == len(data) and sent.caption == "خطأ"
    assert fake_bot_api.sent[-1]["params"]["document"].data == data
    await bot.send_document(USER, sent.document.file_id)  # again by file_id

    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(USER, InputFile(b"", filename="empty.txt"))
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_document(USER, InputFile(data, filename="t.txt"), caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_document(
            USER, InputFile(data, filename="t.txt"), caption="<x>", parse_mode="HTML"
        )


async def test_webhook_info_follows_set_and_delete(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    assert (await bot.get_webhook_info()).url == ""
    await bot.set_webhook(
        "https://bot.example.com/hook", secret_token="abc", allowed_updates=["message"]
    )
    info = await bot.get_webhook_info()
    assert info.url == "https://bot.example.com/hook"
    assert info.allowed_updates == ("message",)
    assert info.pending_update_count == 1  # "hello", never fetched
    await bot.delete_webhook(drop_pending_updates=True)
    info = await bot.get_webhook_info()
    assert info.url == "" and info.pending_update_count == 0
