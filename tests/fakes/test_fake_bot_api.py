"""Tests for the fake Bot API itself: raw HTTP, a real telegram.Bot and a real PTB Application."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import httpx
import pytest
from telegram import (
    Bot,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from .bot_api import FakeBotAPI

USER = 1001
OTHER_USER = 1002


@pytest.fixture
async def bot(fake_bot_api: FakeBotAPI) -> AsyncIterator[Bot]:
    """A real telegram.Bot pointed at the fake, so requests are encoded exactly as in production."""
    async with Bot(
        fake_bot_api.token,
        base_url=f"{fake_bot_api.url}/bot",
        base_file_url=f"{fake_bot_api.url}/file/bot",
    ) as real_bot:
        yield real_bot


@pytest.fixture
def api(fake_bot_api: FakeBotAPI) -> FakeBotAPI:
    """The fake with USER already known, as if they had pressed Start."""
    fake_bot_api.user_sends(USER, "hello")
    return fake_bot_api


def bad_request(reason: str) -> pytest.RaisesExc[BadRequest]:
    """PTB drops "Bad Request: " and lower-cases the rest of the message, so match loosely."""
    return pytest.raises(BadRequest, match="(?i)" + re.escape(reason))


def png_bytes(width: int = 2, height: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def raw_call(api: FakeBotAPI, method: str, **data: Any) -> tuple[int, dict[str, Any]]:
    """Posts form-encoded params the way PTB does: objects as JSON strings."""
    form = {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{api.url}/bot{api.token}/{method}", data=form)
    return response.status_code, response.json()


# ==== plumbing =================================================================================


async def test_real_bot_get_me_and_valid_html_message(api: FakeBotAPI, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.username == "mujaz_test_bot" and me.is_bot

    sent = await bot.send_message(
        USER, "<b>مرحبا</b> &#34;x&#39; &amp; <i>y</i>", parse_mode=ParseMode.HTML
    )
    assert sent.text == "مرحبا \"x' & y"
    assert sent.chat.id == USER and sent.from_user is not None and sent.from_user.is_bot
    assert [e.type for e in sent.entities] == ["bold", "italic"]

    [stored] = api.messages_to(USER)
    assert stored["text"] == "مرحبا \"x' & y"
    assert stored["html"] == "<b>مرحبا</b> &#34;x&#39; &amp; <i>y</i>"
    assert api.sent[-1]["method"] == "sendMessage"
    assert api.sent[-1]["params"]["chat_id"] == USER  # typed, although PTB sent "1001"
    assert stored["message_id"] == 2  # the user's "hello" was message 1 in this chat


async def test_wrong_token_unknown_method_and_unknown_path(api: FakeBotAPI) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{api.url}/bot999:WRONG/getMe") as response:
            assert response.status == 401
            assert await response.json() == {
                "ok": False,
                "error_code": 401,
                "description": "Unauthorized",
            }
        async with session.post(f"{api.url}/bot{api.token}/launchRockets") as response:
            assert response.status == 404
            assert (await response.json())["description"] == "Not Found"
        async with session.get(f"{api.url}/bot{api.token}/getme") as response:
            assert response.status == 200  # method names are case-insensitive on Telegram
        async with session.get(f"{api.url}/favicon.ico") as response:
            assert response.status == 404
    assert ("launchRockets", {}, "Not Found") in api.rejected

    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=f"{api.url}/bot"):
            pass


async def test_json_body_is_accepted_too(api: FakeBotAPI) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{api.url}/bot{api.token}/sendMessage",
            json={"chat_id": USER, "text": "json", "reply_markup": {"inline_keyboard": []}},
        )
    assert response.json()["ok"] is True
    assert api.messages_to(USER)[-1]["text"] == "json"


# ==== text validation ==========================================================================


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("a&nbsp;b", 'Unsupported HTML entity "&nbsp;"'),
        ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<a href=https://example.com>x</a>", "Unexpected end of name token"),
        ("Tom & Jerry", 'Unsupported HTML entity "&"'),
        ("2 < 3", 'Unsupported start tag ""'),
    ],
)
async def test_bad_html_is_rejected_like_telegram(
    api: FakeBotAPI, bot: Bot, text: str, reason: str
) -> None:
    with bad_request("can't parse entities: " + reason):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert api.messages_to(USER) == []
    method, _params, description = api.rejected[-1]
    assert method == "sendMessage"
    assert description.startswith("Bad Request: can't parse entities: ")


async def test_plain_text_may_contain_anything(api: FakeBotAPI, bot: Bot) -> None:
    await bot.send_message(USER, "<script> &nbsp; & <b>")
    assert api.messages_to(USER)[0]["text"] == "<script> &nbsp; & <b>"
    assert api.messages_to(USER)[0]["html"] is None


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("a" * 4096, True),
        ("a" * 4097, False),
        ("😀" * 2048, True),
        ("😀" * 2049, False),
        ("<b>" + "a" * 4096 + "</b>", True),  # tags are not counted
        ("&amp;" * 4096, True),  # entities count as the one character they stand for
        ("&amp;" * 4097, False),
        ("a" * 4096 + "\n   ", True),  # trailing whitespace is trimmed first
    ],
)
async def test_length_limit_counts_utf16_units_after_parsing(
    api: FakeBotAPI, bot: Bot, text: str, ok: bool
) -> None:
    if ok:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
        assert len(api.messages_to(USER)) == 1
    else:
        with bad_request("message is too long"):
            await bot.send_message(USER, text, parse_mode=ParseMode.HTML)


@pytest.mark.parametrize("text", ["<b></b>", "  \n ", "<i> </i>"])
async def test_empty_after_parsing_is_rejected(api: FakeBotAPI, bot: Bot, text: str) -> None:
    with bad_request("message text is empty"):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)


async def test_what_the_fake_does_not_model_is_refused_not_ignored(
    api: FakeBotAPI, bot: Bot
) -> None:
    """The bot writes HTML and never quotes: Markdown or a reply would go unchecked here, so
    the fake refuses them instead of passing a message Telegram might refuse."""
    with bad_request("unsupported parse_mode"):
        await bot.send_message(USER, "*hi*", parse_mode=ParseMode.MARKDOWN_V2)
    with bad_request("replies are not supported by the fake Bot API"):
        await bot.send_message(USER, "hi", reply_parameters=ReplyParameters(1))
    assert api.messages_to(USER) == []


# ==== chats and failures =======================================================================


async def test_unknown_chat_is_not_found_until_added(api: FakeBotAPI, bot: Bot) -> None:
    with bad_request("chat not found"):
        await bot.send_message(555, "hi")
    api.add_chat(-100500, "channel", title="News")
    sent = await bot.send_message(-100500, "hi")
    assert sent.chat.title == "News" and sent.chat.type == "channel"


async def test_blocked_user_gives_forbidden(api: FakeBotAPI, bot: Bot) -> None:
    api.block(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(USER, "typing")
    api.unblock(USER)
    await bot.send_message(USER, "hi again")
    assert [m["text"] for m in api.messages_to(USER)] == ["hi again"]


async def test_user_writing_again_unblocks(api: FakeBotAPI, bot: Bot) -> None:
    api.block(USER)
    api.user_sends(USER, "/start")
    await bot.send_message(USER, "welcome back")


async def test_fail_next_429_raises_retry_after(
    api: FakeBotAPI, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    api.fail_next(
        "sendMessage", error_code=429, description="Too Many Requests: retry after 7", retry_after=7
    )
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    await bot.send_message(USER, "second try works")


async def test_fail_next_migration_only_for_that_chat(api: FakeBotAPI, bot: Bot) -> None:
    api.add_chat(-42, "group", title="Old group")
    api.fail_next(
        "sendMessage",
        error_code=400,
        description="Bad Request: group chat was upgraded to a supergroup chat",
        migrate_to_chat_id=-1001234,
        chat_id=-42,
        times=2,
    )
    await bot.send_message(USER, "not affected")
    for _ in range(2):
        with pytest.raises(ChatMigrated) as caught:
            await bot.send_message(-42, "hi")
        assert caught.value.new_chat_id == -1001234
    await bot.send_message(-42, "now fine")


async def test_fail_next_500_is_a_network_error(api: FakeBotAPI, bot: Bot) -> None:
    api.fail_next("getMe", error_code=500, description="Internal Server Error")
    with pytest.raises(NetworkError):
        await bot.get_me()
    assert api.rejected[-1] == ("getMe", {}, "Internal Server Error")


# ==== keyboards, edits, callbacks ==============================================================


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        (keyboard(InlineKeyboardButton("x", callback_data="a" * 65)), "BUTTON_DATA_INVALID"),
        (keyboard(InlineKeyboardButton("x", callback_data="ب" * 33)), "BUTTON_DATA_INVALID"),
        (keyboard(InlineKeyboardButton("x", url="ftp://x.com")), "Unsupported URL protocol"),
        (keyboard(InlineKeyboardButton("x", url="http://localhost")), "Wrong HTTP URL"),
        (keyboard(InlineKeyboardButton("x")), "Text buttons are unallowed"),
        (keyboard(InlineKeyboardButton("", callback_data="a")), "BUTTON_TEXT_INVALID"),
        (keyboard(*[InlineKeyboardButton("x", callback_data="a")] * 9), "reply markup is too long"),
        (
            InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="a")]] * 101),
            "reply markup is too long",
        ),
    ],
)
async def test_bad_inline_keyboards_are_rejected(
    api: FakeBotAPI, bot: Bot, markup: InlineKeyboardMarkup, reason: str
) -> None:
    with bad_request(reason):
        await bot.send_message(USER, "pick", reply_markup=markup)


async def test_callback_data_limit_is_in_utf8_bytes(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(
        InlineKeyboardButton("ok", callback_data="ب" * 32),
        InlineKeyboardButton("link", url="https://example.com/x"),
    )
    sent = await bot.send_message(USER, "pick", reply_markup=markup)
    assert sent.reply_markup == markup


async def test_both_url_and_callback_data_is_rejected(api: FakeBotAPI) -> None:
    status, body = await raw_call(
        api,
        "sendMessage",
        chat_id=str(USER),
        text="x",
        reply_markup={
            "inline_keyboard": [[{"text": "t", "url": "https://a.b", "callback_data": "c"}]]
        },
    )
    assert status == 400 and "exactly one" in body["description"]


NOT_BOOL = "must be of type Boolean"


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ("{not json", "Bad Request: can't parse link preview options JSON object"),
        ([], "Bad Request: object expected as link preview options"),
        ("https://a.example/x", "Bad Request: can't parse link preview options JSON object"),
        ({"url": 5}, 'Bad Request: field "url" must be of type String'),
        ({"is_disabled": "1"}, 'Bad Request: field "is_disabled" must be of type Boolean'),
        ({"prefer_large_media": 1}, f'Bad Request: field "prefer_large_media" {NOT_BOOL}'),
        ({"show_above_text": "true"}, f'Bad Request: field "show_above_text" {NOT_BOOL}'),
    ],
)  # fmt: skip
async def test_link_preview_options_are_checked_like_telegram(
    api: FakeBotAPI, options: object, reason: str
) -> None:
    form = options if isinstance(options, str) else json.dumps(options)
    status, body = await raw_call(
        api, "sendMessage", chat_id=str(USER), text="x", link_preview_options=form
    )
    assert (status, body["description"]) == (400, reason)
    assert api.messages_to(USER) == []


async def test_the_message_carries_its_link_preview_options(api: FakeBotAPI, bot: Bot) -> None:
    preview = LinkPreviewOptions(
        url="https://a.example/story", prefer_large_media=True, show_above_text=True
    )
    sent = await bot.send_message(USER, "digest", link_preview_options=preview)
    assert sent.link_preview_options == preview
    assert api.messages_to(USER)[-1]["link_preview_options"] == {
        "url": "https://a.example/story",
        "prefer_large_media": True,
        "show_above_text": True,
    }
    plain = await bot.send_message(USER, "reply", link_preview_options=LinkPreviewOptions(True))
    assert plain.link_preview_options == LinkPreviewOptions(is_disabled=True)


async def test_edit_text_not_modified_and_not_found(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(InlineKeyboardButton("again", callback_data="again"))
    sent = await bot.send_message(USER, "<b>v1</b>", parse_mode="HTML", reply_markup=markup)

    with bad_request("message is not modified"):
        await bot.edit_message_text(
            "<b>v1</b>", USER, sent.message_id, parse_mode="HTML", reply_markup=markup
        )
    # Same text but without bold is a change.
    await bot.edit_message_text("v1", USER, sent.message_id, reply_markup=markup)
    # Leaving out reply_markup removes the keyboard, as on Telegram.
    await bot.edit_message_text("v2", USER, sent.message_id)
    assert api.messages_to(USER)[0]["text"] == "v2"
    assert "reply_markup" not in api.messages_to(USER)[0]

    with bad_request("message to edit not found"):
        await bot.edit_message_text("x", USER, 9999)
    with bad_request("message can't be edited"):
        await bot.edit_message_text("x", USER, 1)  # the user's own message
    with bad_request("message is not modified"):
        await bot.edit_message_reply_markup(USER, sent.message_id, reply_markup=None)
    assert [s["method"] for s in api.sent] == [
        "sendMessage",
        "editMessageText",
        "editMessageText",
    ]


async def test_callback_query_round_trip(api: FakeBotAPI, bot: Bot) -> None:
    markup = keyboard(InlineKeyboardButton("Sports", callback_data="topic:sports"))
    await bot.send_message(USER, "choose", reply_markup=markup)
    [message] = api.messages_to(USER)

    with pytest.raises(ValueError, match="no button"):
        api.user_presses(USER, message, "topic:missing")
    query = api.user_presses(USER, message, "topic:sports")

    updates = await bot.get_updates(offset=0, timeout=0)
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.data == "topic:sports"
    assert updates[-1].callback_query.message is not None

    with bad_request("MESSAGE_TOO_LONG"):
        await bot.answer_callback_query(query["id"], text="x" * 201)
    await bot.answer_callback_query(query["id"], text="Saved")
    assert api.callback_answers == [{"callback_query_id": query["id"], "text": "Saved"}]
    with bad_request("query is too old"):
        await bot.answer_callback_query(query["id"])
    with bad_request("query is too old"):
        await bot.answer_callback_query("123")


# ==== other methods ============================================================================


async def test_set_my_commands_validation(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_commands([("start", "ابدأ"), ("topics", "المواضيع")], language_code="ar")
    await bot.set_my_commands([("start", "Start")])
    assert api.commands[("default", "ar")][1] == {"command": "topics", "description": "المواضيع"}
    assert api.commands[("default", None)] == [{"command": "start", "description": "Start"}]
    assert [c.command for c in await bot.get_my_commands(language_code="ar")] == ["start", "topics"]

    bad: list[tuple[list[tuple[str, str]], str | None, str]] = [
        ([("Start", "x")], None, "BOT_COMMAND_INVALID"),
        ([("/start", "x")], None, "BOT_COMMAND_INVALID"),
        ([("a" * 33, "x")], None, "command is too long"),
        ([("start", "")], None, "description must be non-empty"),
        ([("start", "x" * 257)], None, "description is too long"),
        ([(f"c{i}", "x") for i in range(101)], None, "BOT_COMMANDS_TOO_MUCH"),
        ([("start", "x")], "arabic", "invalid language code"),
    ]
    for commands, language, reason in bad:
        with bad_request(reason):
            await bot.set_my_commands(commands, language_code=language)


async def test_send_photo_multipart(api: FakeBotAPI, bot: Bot) -> None:
    sent = await bot.send_photo(USER, png_bytes(4, 5), caption="<b>صورة</b>", parse_mode="HTML")
    assert sent.photo[-1].width == 4 and sent.caption == "صورة"
    stored = api.messages_to(USER)[0]
    assert stored["html"] == "<b>صورة</b>" and stored["caption_entities"][0]["type"] == "bold"
    assert api.sent[-1]["params"]["photo"].size == len(png_bytes(4, 5))

    downloaded = await (await bot.get_file(sent.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == png_bytes(4, 5)

    with bad_request("message caption is too long"):
        await bot.send_photo(USER, png_bytes(), caption="😀" * 513)
    with bad_request("IMAGE_PROCESS_FAILED"):
        await bot.send_photo(USER, b"not an image")
    await bot.send_photo(USER, sent.photo[-1].file_id)  # re-send by file_id


async def test_copy_delete_chat_action_and_members(api: FakeBotAPI, bot: Bot) -> None:
    original = await bot.send_message(USER, "<i>digest</i>", parse_mode="HTML")
    api.user_sends(OTHER_USER, "/start")
    copied = await bot.copy_message(OTHER_USER, USER, original.message_id)
    [copy_] = api.messages_to(OTHER_USER)
    assert copy_["message_id"] == copied.message_id and copy_["text"] == "digest"
    assert api.sent[-1]["method"] == "copyMessage"
    with bad_request("message to copy not found"):
        await bot.copy_message(OTHER_USER, USER, 999)

    assert await bot.delete_message(USER, original.message_id)
    assert api.messages_to(USER) == [] and api.deleted[0]["text"] == "digest"
    with bad_request("message to delete not found"):
        await bot.delete_message(USER, original.message_id)

    await bot.send_chat_action(USER, "typing")
    assert api.chat_actions == [(USER, "typing")]
    with bad_request("wrong parameter action"):
        await bot.send_chat_action(USER, "dancing")

    member = await bot.get_chat_member(USER, USER)
    assert member.status == "member"
    api.user_sends(USER, "hi group", chat_type="supergroup", chat_id=-1007)
    api.set_member_status(-1007, OTHER_USER, "administrator")
    admins = await bot.get_chat_administrators(-1007)
    assert [a.user.id for a in admins] == [OTHER_USER]
    with bad_request("no administrators in the private chat"):
        await bot.get_chat_administrators(USER)


# ==== long polling =============================================================================


async def test_long_poll_returns_queued_update_at_once(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    fake_bot_api.user_sends(USER, "/start now", first_name="Ali")
    started = time.monotonic()
    updates = await bot.get_updates(timeout=5)
    assert time.monotonic() - started < 0.5
    message = updates[0].message
    assert message is not None and message.text == "/start now"
    assert message.from_user is not None and message.from_user.language_code == "ar"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6

    # Without an offset the update stays; the offset confirms it.
    assert len(await bot.get_updates(timeout=0)) == 1
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=0) == ()


async def test_long_poll_times_out_empty(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_waiting_poll_wakes_on_user_message(fake_bot_api: FakeBotAPI, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    fake_bot_api.user_sends(USER, "wake up")
    updates = await poll
    assert time.monotonic() - started < 0.5
    assert updates[0].message is not None and updates[0].message.text == "wake up"


async def test_second_poller_conflicts_with_first(fake_bot_api: FakeBotAPI) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        url = f"{fake_bot_api.url}/bot{fake_bot_api.token}/getUpdates"
        first = asyncio.create_task(client.post(url, data={"timeout": "5"}))
        await asyncio.sleep(0.1)
        second = await client.post(url, data={"timeout": "0"})
        first_response = await first
    assert second.json() == {"ok": True, "result": []}
    assert first_response.status_code == 409
    assert first_response.json()["description"].startswith("Conflict: terminated by other")


async def test_allowed_updates_filters(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.user_sends(USER, "text")
    status, body = await raw_call(
        fake_bot_api, "getUpdates", timeout="0", allowed_updates=["callback_query"]
    )
    assert status == 200 and body["result"] == []


async def test_wait_for_messages_reports_what_happened(fake_bot_api: FakeBotAPI) -> None:
    fake_bot_api.user_sends(USER, "/start")
    with pytest.raises(AssertionError, match=r"expected at least 1 bot message\(s\) in chat 1001"):
        await fake_bot_api.wait_for_messages(USER, timeout=0.05)


# ==== a real PTB Application ===================================================================


async def start_handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id,
        "<b>أهلاً</b> بك في موجز",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(InlineKeyboardButton("الرياضة", callback_data="topic:sports")),
    )


async def topic_handler(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("تم")
    await query.edit_message_text(f"اخترت {query.data}")


async def test_ptb_application_end_to_end(fake_bot_api: FakeBotAPI) -> None:
    app: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(fake_bot_api.token)
        .base_url(f"{fake_bot_api.url}/bot")
        .base_file_url(f"{fake_bot_api.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start_handler))
    app.add_handler(CallbackQueryHandler(topic_handler))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    try:
        fake_bot_api.user_sends(USER, "/start")
        [welcome] = await fake_bot_api.wait_for_messages(USER, 1)
        assert welcome["text"] == "أهلاً بك في موجز"

        fake_bot_api.user_presses(USER, welcome, "topic:sports")
        await fake_bot_api.wait_for(
            lambda: fake_bot_api.messages_to(USER)[0]["text"] != welcome["text"]
        )
        assert fake_bot_api.messages_to(USER)[0]["text"] == "اخترت topic:sports"
        assert fake_bot_api.callback_answers[0]["text"] == "تم"
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
    assert fake_bot_api.rejected == []
    methods = {method for method, _ in fake_bot_api.requests}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods


async def test_descriptions_per_language_with_telegrams_limits(api: FakeBotAPI, bot: Bot) -> None:
    await bot.set_my_description("بوت موجز", language_code="ar")
    await bot.set_my_short_description("A news digest")
    assert api.descriptions == {"ar": "بوت موجز"}
    assert api.short_descriptions == {None: "A news digest"}
    assert (await bot.get_my_description(language_code="ar")).description == "بوت موجز"
    assert (await bot.get_my_short_description()).short_description == "A news digest"
    with bad_request("description is too long"):
        await bot.set_my_description("x" * 513)
    with bad_request("short description is too long"):
        await bot.set_my_short_description("😀" * 61)  # 122 UTF-16 units
    with bad_request("invalid language code"):
        await bot.set_my_description("x", language_code="arabic")
    await bot.set_my_description("x" * 512)
    await bot.set_my_description("", language_code="ar")  # removes the Arabic one
    assert api.descriptions == {None: "x" * 512}


async def test_a_chats_own_menu_needs_a_known_chat(api: FakeBotAPI, bot: Bot) -> None:
    scope = BotCommandScopeChat(USER)
    await bot.set_my_commands([("stats", "الإحصاءات")], scope=scope, language_code="ar")
    assert api.menu({"type": "chat", "chat_id": USER}, "ar") == [
        {"command": "stats", "description": "الإحصاءات"}
    ]
    assert api.menu({"type": "chat", "chat_id": USER}) == []
    with bad_request("chat not found"):
        await bot.set_my_commands([("stats", "x")], scope=BotCommandScopeChat(999_999))
