"""A fake Telegram Bot API server. The real PTB Application talks to it over HTTP.

The bot is built as in production and only the base URL changes::

    api = FakeBotAPI()
    await api.start()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(f"{api.url}/bot")
        .base_file_url(f"{api.url}/file/bot")
        .build()
    )

The same code paths run as in production: PTB's request encoding, its error mapping
(BadRequest / Forbidden / RetryAfter / ChatMigrated), long polling and the handlers. The fake
checks requests the way Telegram does, with the same error texts: HTML parse mode (see
telegram_html.py), length limits measured in UTF-16 units, inline keyboards, "message is not
modified", unknown chats and stale callback queries. So a message Telegram would refuse fails
in the tests too, instead of in production.

It is not a complete Bot API. It covers the methods the bot uses, and any other method gets
404 "Not Found", as Telegram answers for a method it doesn't know.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import inspect
import itertools
import json
import logging
import math
import re
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from .telegram_html import (
    FormattedText,
    TelegramHTMLError,
    parse_telegram_html_entities,
    strip_formatted_text,
    utf16_len,
)

JSONDict = dict[str, Any]

_LOGGER = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTONS = 100
MAX_BUTTONS_PER_ROW = 8
MAX_COMMANDS = 100
MAX_PHOTO_BYTES = 10 * 1024 * 1024

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"
GET_UPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance "
    "is running"
)

# Update types Telegram leaves out when allowed_updates is absent or empty.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)

_COMMAND_SCOPES = frozenset(
    [
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    ]
)

# How form fields are typed. PTB sends every value as a string and JSON-encodes anything that
# is not a string, so the server has to know each parameter's type, as Telegram does.
_CHAT_ID_PARAMS = frozenset({"chat_id", "from_chat_id"})
_INT_PARAMS = frozenset(
    [
        "message_id",
        "offset",
        "limit",
        "user_id",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
    ]
)
_FLOAT_PARAMS = frozenset({"timeout"})
_BOOL_PARAMS = frozenset(
    [
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "show_alert",
        "drop_pending_updates",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "only_if_banned",
        "revoke_messages",
    ]
)
_JSON_PARAMS = frozenset(
    [
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "link_preview_options",
        "entities",
        "caption_entities",
        "reply_parameters",
        "media",
    ]
)

_INLINE_BUTTON_ACTIONS = tuple(
    [
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    ]
)

_IMAGE_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")

# Keys the fake keeps on stored messages for tests. They are never sent back over HTTP.
_INTERNAL_MESSAGE_KEYS = frozenset({"html"})

_METHOD_PATH = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[^/]*)")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]*)/(?P<path>.+)")


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, error_code: int, description: str, parameters: JSONDict | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request. It is kept in ``requests`` params in place of the
    raw bytes."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    width: int
    height: int

    def photo_size(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": len(self.data),
        }


@dataclass
class _Chat:
    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    is_forum: bool = False
    last_message_id: int = 0
    # message_id -> message; user and bot messages share one counter, as in a real chat.
    messages: dict[int, JSONDict] = field(default_factory=dict)

    def as_json(self) -> JSONDict:
        data: JSONDict = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = self.first_name or "User"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.username:
            data["username"] = self.username
        if self.is_forum:
            data["is_forum"] = True
        return data

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass(frozen=True)
class RateLimit:
    """At most ``count`` sends in any ``period`` seconds, as Telegram states its limits.

    With ``burst``, the limit is an average instead (a token bucket): ``burst`` sends more
    than the pace may come at once, as Telegram tolerates short bursts in a chat.
    """

    count: int
    period: float
    burst: int | None = None


class _SlidingWindow:
    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.accepted: collections.deque[float] = collections.deque()
        self._tat = 0.0  # with a burst: the theoretical arrival time of the next send

    def wait(self, now: float) -> float:
        """Seconds until one more send fits; 0 when it fits now."""
        interval = self.limit.period / self.limit.count
        if self.limit.burst is not None:
            return max(0.0, self._tat - self.limit.burst * interval - now)
        while self.accepted and self.accepted[0] <= now - self.limit.period:
            self.accepted.popleft()
        if len(self.accepted) < self.limit.count:
            return 0.0
        return self.accepted[0] + self.limit.period - now

    def accept(self, now: float) -> None:
        interval = self.limit.period / self.limit.count
        self._tat = max(self._tat, now) + interval
        if self.limit.burst is None:
            self.accepted.append(now)


# Methods that send a message: these count against the rate limits.
_SENDING_METHODS = frozenset({"sendMessage", "copyMessage", "sendPhoto"})


@dataclass
class _Failure:
    method: str
    error_code: int
    description: str
    retry_after: float | None
    migrate_to_chat_id: int | None
    chat_id: int | None
    remaining: int


Handler = Callable[[JSONDict], Awaitable[Any]]


class FakeBotAPI:
    """A Bot API server on 127.0.0.1 that runs in the test's own event loop.

    Use ``user_sends`` / ``user_presses`` to act as users, and ``sent``, ``messages_to``,
    ``requests`` and ``rejected`` to see what the bot did. ``block``, ``fail_next`` and
    unknown chats make Telegram's failure answers happen on demand; ``set_rate_limits``
    makes it answer 429 like Telegram when sends go too fast (``throttled``, ``counted``).
    """

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "mujaz_test_bot"
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])
        self.url = ""
        # Set to False to accept what TDLib accepts but the docs forbid (see telegram_html.py).
        self.strict_html = True

        self.sent: list[JSONDict] = []
        self.requests: list[tuple[str, JSONDict]] = []
        self.rejected: list[tuple[str, JSONDict, str]] = []
        self.commands: dict[tuple[str, str | None], list[JSONDict]] = {}
        self.callback_answers: list[JSONDict] = []
        self.chat_actions: list[tuple[int, str]] = []
        self.deleted: list[JSONDict] = []

        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, JSONDict] = {}
        self._chat_members: dict[tuple[int, int], str] = {}
        self._blocked: set[int] = set()
        self._failures: list[_Failure] = []
        self._overall_limit: _SlidingWindow | None = None
        self._chat_limits: dict[str, RateLimit] = {}
        self._chat_windows: dict[int, _SlidingWindow] = {}
        self._retry_unit = 1.0
        # (monotonic time, method, chat_id, retry_after) of every 429 the rate limits answered.
        self.throttled: list[tuple[float, str, Any, float]] = []
        # (monotonic time, method, chat_id) of every send that passed the rate limits, refused
        # ones (403, chat not found) included: what Telegram counts against its limits.
        self.counted: list[tuple[float, str, Any]] = []
        self._open_queries: set[str] = set()
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._commands_by_scope: dict[str, list[JSONDict]] = {}

        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_001)
        self._file_ids = itertools.count(1)
        self._allowed_updates: list[str] = []
        self._new_update = asyncio.Event()
        self._poll_generation = 0
        self._closing = False

        self._runner: web.AppRunner | None = None
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "answerCallbackQuery": self._answer_callback_query,
                "copyMessage": self._copy_message,
                "sendPhoto": self._send_photo,
                "deleteMessage": self._delete_message,
                "sendChatAction": self._send_chat_action,
                "getChat": self._get_chat,
                "getChatMember": self._get_chat_member,
                "getChatAdministrators": self._get_chat_administrators,
                "getFile": self._get_file,
            }.items()
        }

    # ==== lifecycle ==============================================================================

    async def start(self) -> None:
        """Binds a free port on 127.0.0.1. Every test gets its own server, so state never
        leaks from one test to another."""
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
        self._closing = False

    async def stop(self) -> None:
        """Releases pending long polls first, so the shutdown doesn't wait for their timeout."""
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ==== driving the bot as users would =========================================================

    def user_sends(
        self,
        user_id: int,
        text: str,
        *,
        first_name: str = "User",
        language_code: str | None = "ar",
        chat_type: str = "private",
        chat_id: int | None = None,
        reply_to: JSONDict | None = None,
        photo: bytes | None = None,
        thread_id: int | None = None,
    ) -> JSONDict:
        """Queues an Update with a text Message from ``user_id`` and returns the message.

        A user writing to the bot makes the chat known. In a private chat it also lifts a
        block: Telegram clients only let a user write again after unblocking the bot.
        ``reply_to`` (a message of the chat) makes it a reply; ``photo`` (image bytes)
        makes it a photo with ``text`` as its caption.
        """
        if chat_id is None:
            if chat_type != "private":
                raise ValueError(f"chat_id is required for a {chat_type} chat")
            chat_id = user_id
        user = self._remember_user(user_id, first_name, language_code)
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._make_chat(chat_id, chat_type, title=None, first_name=first_name)
        elif chat.type != chat_type:
            raise ValueError(f"chat {chat_id} is a {chat.type} chat, not {chat_type}")
        if chat.type == "private":
            chat.first_name = first_name
            self._blocked.discard(chat_id)
        self._chat_members.setdefault((chat_id, user_id), "member")

        message: JSONDict = {
            "message_id": chat.next_message_id(),
            "from": dict(user),
            "chat": chat.as_json(),
            "date": int(time.time()),
            "text": text,
        }
        if thread_id is not None:
            if not chat.is_forum:
                raise ValueError(f"chat {chat_id} is not a forum; it has no topic threads")
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            replied = chat.messages.get(reply_to["message_id"])
            if replied is None:
                raise ValueError(f"message {reply_to['message_id']} is not in chat {chat_id}")
            message["reply_to_message"] = self._public(replied)
        if photo is not None:
            stored = self._store_file(UploadedFile("photo.png", "image/png", photo))
            message["photo"] = [stored.photo_size()]
            message["caption"] = message.pop("text")
        elif text.startswith("/"):
            command = text.split(maxsplit=1)[0]  # "/start@mujaz_test_bot arg" -> the first word
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        chat.messages[message["message_id"]] = message
        self._queue_update({"message": copy.deepcopy(message)})
        return copy.deepcopy(message)

    def user_presses(
        self,
        user_id: int,
        message: JSONDict,
        data: str,
        *,
        language_code: str | None = "ar",
        allow_stale: bool = False,
    ) -> JSONDict:
        """Queues an Update with a CallbackQuery for a button on a message the bot sent.

        ``message`` is a dict from ``sent`` or ``messages_to``. The button is looked up on
        the message as it is *now*: a real user can't press a button that an edit removed
        or that never existed. Pass ``allow_stale=True`` to act as a client with an
        out-of-date view.
        """
        chat_id = message["chat"]["id"]
        message_id = message["message_id"]
        chat = self._chats.get(chat_id)
        current = chat.messages.get(message_id) if chat is not None else None
        if current is None:
            raise ValueError(f"message {message_id} in chat {chat_id} does not exist (deleted?)")
        buttons = [
            button.get("callback_data")
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        if data not in buttons and not allow_stale:
            raise ValueError(
                f"message {message_id} in chat {chat_id} has no button with callback_data "
                f"{data!r}; its callback buttons are {buttons}"
            )
        known = self._users.get(user_id, {})
        user = self._remember_user(user_id, known.get("first_name", "User"), language_code)
        query: JSONDict = {
            "id": str(next(self._query_ids)),
            "from": dict(user),
            "message": self._public(current),
            "chat_instance": str(abs(chat_id) * 7919 + 13),
            "data": data,
        }
        self._open_queries.add(query["id"])
        self._queue_update({"callback_query": copy.deepcopy(query)})
        return query

    def user_deletes(self, message: JSONDict) -> None:
        """The user deletes their message: copying it now fails as it would on Telegram."""
        chat = self._chats.get(message["chat"]["id"])
        if chat is None or chat.messages.pop(message["message_id"], None) is None:
            raise ValueError(f"message {message['message_id']} is not in its chat")

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "private",
        title: str | None = None,
        *,
        username: str | None = None,
        is_forum: bool = False,
    ) -> None:
        """Makes a chat known without a message from it, e.g. a channel the bot posts to.

        ``username`` lets getChat find it as "@username"; ``is_forum`` makes a supergroup
        with topic threads (see ``user_sends(thread_id=...)``).
        """
        chat = self._make_chat(chat_id, chat_type, title=title, first_name=title)
        chat.username = username
        chat.is_forum = is_forum

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Sets what getChatMember / getChatAdministrators report for ``user_id``."""
        if status not in {"creator", "administrator", "member", "left", "kicked"}:
            raise ValueError(f"unsupported member status {status!r}")
        if user_id not in self._users:
            self._remember_user(user_id, "User", None)
        self._chat_members[(chat_id, user_id)] = status

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates queued but not yet confirmed by a getUpdates offset."""
        return copy.deepcopy(self._updates)

    # ==== what the bot did =======================================================================

    def messages_to(self, chat_id: int) -> list[JSONDict]:
        """Bot messages in the chat now, oldest first: edits applied, deleted ones left out.

        Each dict is a Message plus ``html``, the HTML source the bot sent (None for other
        parse modes).
        """
        chat = self._chats.get(chat_id)
        if chat is None:
            return []
        return [
            copy.deepcopy(message)
            for message in chat.messages.values()
            if message["from"]["id"] == self.bot_id
        ]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Polls ``predicate`` every 10 ms. The bot works in background tasks, so tests have to
        wait for its effects."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate():
            if loop.time() >= deadline:
                raise AssertionError(
                    f"condition not met within {timeout}s: {_describe(predicate)}\n"
                    + self._summary()
                )
            await asyncio.sleep(0.01)

    async def wait_for_messages(
        self, chat_id: int, count: int = 1, timeout: float = 5.0
    ) -> list[JSONDict]:
        """Waits until the bot has at least ``count`` messages in the chat and returns them all."""
        try:
            await self.wait_for(lambda: len(self.messages_to(chat_id)) >= count, timeout)
        except AssertionError:
            texts = [m.get("text", m.get("caption")) for m in self.messages_to(chat_id)]
            raise AssertionError(
                f"expected at least {count} bot message(s) in chat {chat_id} within {timeout}s, "
                f"got {len(texts)}: {texts!r}\n{self._summary()}"
            ) from None
        return self.messages_to(chat_id)

    # ==== failures on demand =====================================================================

    def block(self, chat_id: int) -> None:
        """From now on, sends to the chat fail with 403, as when a user blocks the bot."""
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str,
        retry_after: float | None = None,
        migrate_to_chat_id: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` (only those to ``chat_id`` if given) fail.

        429 always carries ``parameters.retry_after`` (default 1), as Telegram's does, so PTB
        raises RetryAfter. ``migrate_to_chat_id`` makes PTB raise ChatMigrated.
        """
        if error_code == 429 and retry_after is None:
            match = re.search(r"retry after (\d+)", description)
            retry_after = int(match.group(1)) if match else 1
        self._failures.append(
            _Failure(
                method, error_code, description, retry_after, migrate_to_chat_id, chat_id, times
            )
        )

    def set_rate_limits(
        self,
        *,
        overall: RateLimit | None = None,
        private_chat: RateLimit | None = None,
        group_chat: RateLimit | None = None,
        retry_unit: float = 1.0,
    ) -> None:
        """Answers 429 with ``retry_after`` like Telegram when sends go over these limits.

        Counted are sends (sendMessage, copyMessage, sendPhoto) that reach the limit check,
        refused ones (403, chat not found) included. ``retry_after`` is the wait until the
        window has room, rounded up to ``retry_unit`` seconds: Telegram says whole seconds
        (1.0); a test that scales time down tenfold passes 0.1. None switches a limit off.
        """
        self._overall_limit = _SlidingWindow(overall) if overall else None
        self._chat_limits = {
            kind: limit
            for kind, limit in (("private", private_chat), ("group", group_chat))
            if limit is not None
        }
        self._chat_windows = {}
        self._retry_unit = retry_unit

    # ==== HTTP plumbing ==========================================================================

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
        try:
            try:
                params = await _read_params(request)
            finally:
                self.requests.append((method, params))
            if match["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if known is None:
                raise ApiError(404, "Not Found")
            self._raise_injected_failure(method, params)
            self._check_rate_limits(method, params)
            result = await known[1](params)
        except ApiError as exc:
            if exc.description != GET_UPDATES_CONFLICT or not _client_gone(request):
                self.rejected.append((method, params, exc.description))
            return _error_response(exc)
        except Exception as exc:
            # A bug in the fake, not in the bot: show it in test output instead of a bare 500.
            _LOGGER.exception("fake Bot API crashed on %s", method)
            crash = ApiError(500, f"Internal Server Error: fake Bot API crashed: {exc!r}")
            self.rejected.append((method, params, crash.description))
            return _error_response(crash)
        return web.json_response({"ok": True, "result": result})

    def _serve_file(self, token: str, path: str) -> web.StreamResponse:
        stored = self._files_by_path.get(path)
        if token != self.token or stored is None:
            return _error_response(ApiError(404, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    def _raise_injected_failure(self, method: str, params: JSONDict) -> None:
        for failure in self._failures:
            if failure.method.lower() != method.lower():
                continue
            if failure.chat_id is not None and params.get("chat_id") != failure.chat_id:
                continue
            failure.remaining -= 1
            if failure.remaining <= 0:
                self._failures.remove(failure)
            parameters: JSONDict = {}
            if failure.retry_after is not None:
                parameters["retry_after"] = failure.retry_after
            if failure.migrate_to_chat_id is not None:
                parameters["migrate_to_chat_id"] = failure.migrate_to_chat_id
            raise ApiError(failure.error_code, failure.description, parameters or None)

    def _check_rate_limits(self, method: str, params: JSONDict) -> None:
        if method not in _SENDING_METHODS:
            return
        chat_id = params.get("chat_id")
        windows: list[_SlidingWindow] = []
        if self._overall_limit is not None:
            windows.append(self._overall_limit)
        if isinstance(chat_id, int):
            kind = "private" if chat_id > 0 else "group"
            limit = self._chat_limits.get(kind)
            if limit is not None:
                window = self._chat_windows.get(chat_id)
                if window is None:
                    window = self._chat_windows[chat_id] = _SlidingWindow(limit)
                windows.append(window)
        now = time.monotonic()
        wait = max((window.wait(now) for window in windows), default=0.0)
        if wait > 0:
            unit = self._retry_unit
            retry_after: float = max(unit, math.ceil(round(wait / unit, 6)) * unit)
            if unit >= 1:
                retry_after = int(retry_after)
            self.throttled.append((now, method, chat_id, retry_after))
            raise ApiError(
                429,
                f"Too Many Requests: retry after {retry_after:g}",
                {"retry_after": retry_after},
            )
        for window in windows:
            window.accept(now)
        self.counted.append((now, method, chat_id))

    # ==== state helpers ==========================================================================

    def _bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Mujaz",
            "username": self.bot_username,
        }

    def _remember_user(self, user_id: int, first_name: str, language_code: str | None) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def _make_chat(
        self, chat_id: int, chat_type: str, *, title: str | None, first_name: str | None
    ) -> _Chat:
        if chat_type not in {"private", "group", "supergroup", "channel"}:
            raise ValueError(f"unknown chat type {chat_type!r}")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(chat_id, chat_type)
        chat.type = chat_type
        chat.title = title if chat_type != "private" else None
        chat.first_name = first_name if chat_type == "private" else None
        return chat

    def _queue_update(self, payload: JSONDict) -> None:
        self._updates.append({"update_id": next(self._update_ids), **payload})
        self._wake_pollers()

    def _wake_pollers(self) -> None:
        event, self._new_update = self._new_update, asyncio.Event()
        event.set()

    def _public(self, message: JSONDict) -> JSONDict:
        """The message as Telegram would send it: no fake-only keys."""
        return {k: copy.deepcopy(v) for k, v in message.items() if k not in _INTERNAL_MESSAGE_KEYS}

    def _record_sent(self, method: str, params: JSONDict, message: JSONDict) -> JSONDict:
        self.sent.append(
            {**copy.deepcopy(message), "method": method, "params": params, "at": time.monotonic()}
        )
        return self._public(message)

    def _summary(self) -> str:
        recent = [f"{method} {_short(params)}" for method, params in self.requests[-8:]]
        rejected = [f"{method}: {description}" for method, _, description in self.rejected[-8:]]
        return (
            "last requests:\n  " + ("\n  ".join(recent) or "(none)") + "\n"
            "rejected:\n  " + ("\n  ".join(rejected) or "(none)")
        )

    # ==== validation helpers =====================================================================

    def _chat(self, params: JSONDict, key: str = "chat_id") -> _Chat:
        value = params.get(key)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {key} is empty")
        chat = self._chats.get(value) if isinstance(value, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _check_not_blocked(self, chat: _Chat) -> None:
        if chat.id not in self._blocked:
            return
        reason = {
            "private": "Forbidden: bot was blocked by the user",
            "group": "Forbidden: bot was kicked from the group chat",
            "supergroup": "Forbidden: bot was kicked from the supergroup chat",
            "channel": "Forbidden: bot is not a member of the channel chat",
        }[chat.type]
        raise ApiError(403, reason)

    def _format(self, text: str, parse_mode: Any, entities: Any) -> FormattedText:
        """Parses text or a caption like Telegram and trims it. Limits apply to the result."""
        mode = str(parse_mode or "").lower()
        if mode == "html":
            try:
                parsed = parse_telegram_html_entities(text, strict=self.strict_html)
            except TelegramHTMLError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        elif mode in {"markdown", "markdownv2"}:
            # Only accepted, not checked: the bot writes HTML.
            parsed = FormattedText(re.sub(r"\\(.)", r"\1", text))
        elif mode == "":
            parsed = FormattedText(text, list(entities) if isinstance(entities, list) else [])
        else:
            raise ApiError(400, "Bad Request: unsupported parse_mode")
        return strip_formatted_text(parsed)

    def _text(self, params: JSONDict) -> FormattedText:
        text = params.get("text")
        if not isinstance(text, str) or not text:
            raise ApiError(400, "Bad Request: message text is empty")
        formatted = self._format(text, params.get("parse_mode"), params.get("entities"))
        if not formatted.text:
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(formatted.text) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return formatted

    def _caption(self, params: JSONDict) -> FormattedText:
        caption = params.get("caption")
        if not isinstance(caption, str) or not caption:
            return FormattedText("")
        formatted = self._format(caption, params.get("parse_mode"), params.get("caption_entities"))
        if utf16_len(formatted.text) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        return formatted

    def _reply_markup(self, params: JSONDict, *, inline_only: bool = False) -> JSONDict | None:
        """Checks reply_markup. Returns the inline keyboard to store on the message, if any.

        Reply keyboards are checked but not kept: Telegram doesn't return them on Message.
        """
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            return _check_inline_keyboard(markup["inline_keyboard"])
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ApiError(
                    400, 'Bad Request: field "keyboard" of the ReplyKeyboardMarkup must be an Array'
                )
            for row in rows:
                for button in row:
                    text = button.get("text") if isinstance(button, dict) else button
                    if not isinstance(text, str) or not text:
                        raise ApiError(
                            400, "Bad Request: can't parse keyboard button: text is empty"
                        )
            return None
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return None
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    def _reply_to(self, chat: _Chat, params: JSONDict) -> JSONDict | None:
        """Resolves reply_parameters / reply_to_message_id to the replied message, or None."""
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            target_chat_id = _coerce("chat_id", reply.get("chat_id", chat.id))
            allow_missing = bool(reply.get("allow_sending_without_reply"))
        elif params.get("reply_to_message_id"):
            message_id = params["reply_to_message_id"]
            target_chat_id = chat.id
            allow_missing = bool(params.get("allow_sending_without_reply"))
        else:
            return None
        target = self._chats.get(target_chat_id) if isinstance(target_chat_id, int) else None
        replied = (
            target.messages.get(message_id)
            if target is not None and isinstance(message_id, int)
            else None
        )
        if replied is None:
            if allow_missing:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return self._public(replied)

    def _new_message(self, chat: _Chat, params: JSONDict, *, html: str | None) -> JSONDict:
        replied = self._reply_to(chat, params)
        message: JSONDict = {
            "message_id": chat.next_message_id(),
            "from": self._bot_user(),
            "chat": chat.as_json(),
            "date": int(time.time()),
        }
        if replied is not None:
            message["reply_to_message"] = replied
        message["html"] = html
        chat.messages[message["message_id"]] = message
        return message

    def _html_source(self, params: JSONDict, key: str) -> str | None:
        value = params.get(key)
        is_html = str(params.get("parse_mode") or "").lower() == "html"
        return value if is_html and isinstance(value, str) else None

    def _message_to_edit(self, params: JSONDict) -> JSONDict:
        if params.get("inline_message_id"):
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat(params)
        message_id = params.get("message_id")
        if not message_id:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self.bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _store_file(self, upload: UploadedFile) -> _StoredFile:
        number = next(self._file_ids)
        width, height = _image_size(upload.data)
        stored = _StoredFile(
            file_id=f"AgACAgIAAxkBAAI{number:08d}",
            file_unique_id=f"AQAD{number:06d}",
            file_path=f"photos/file_{number}.jpg",
            data=upload.data,
            width=width,
            height=height,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def _input_photo(self, params: JSONDict) -> _StoredFile:
        value = params.get("photo")
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if value is None or value == "":
            raise ApiError(400, "Bad Request: there is no photo in the request")
        if isinstance(value, UploadedFile):
            if not value.data:
                raise ApiError(400, "Bad Request: file must be non-empty")
            if value.size > MAX_PHOTO_BYTES:
                raise ApiError(400, "Bad Request: file is too big")
            if not value.data.startswith(_IMAGE_SIGNATURES) and not _is_webp(value.data):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            return self._store_file(value)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and re.match(r"https?://[^/\s]+\.[^/\s]+", value):
            return self._store_file(UploadedFile(None, "image/jpeg", b""))
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ==== methods ================================================================================

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling as Telegram does it: a newer getUpdates ends an older waiting one with
        409, ``offset`` confirms earlier updates, and the call returns once updates exist."""
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        allowed = params.get("allowed_updates")
        if allowed is not None:
            if not isinstance(allowed, list) or not all(isinstance(t, str) for t in allowed):
                raise ApiError(400, "Bad Request: can't parse allowed_updates JSON object")
            self._allowed_updates = allowed

        self._poll_generation += 1
        generation = self._poll_generation
        self._wake_pollers()
        self._confirm(params.get("offset"))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, GET_UPDATES_CONFLICT)
            self._drop_unwanted_updates()
            if self._updates or self._closing:
                return copy.deepcopy(self._updates[:limit])
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            event = self._new_update
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _confirm(self, offset: Any) -> None:
        if not isinstance(offset, int) or offset == 0:
            return
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        else:
            self._updates = self._updates[offset:]

    def _drop_unwanted_updates(self) -> None:
        allowed = set(self._allowed_updates)

        def wanted(update: JSONDict) -> bool:
            kind = next(key for key in update if key != "update_id")
            return kind in allowed if allowed else kind not in _OPT_IN_UPDATE_TYPES

        self._updates = [u for u in self._updates if wanted(u)]

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _command_scope(self, params: JSONDict) -> tuple[str, str, str | None]:
        """Returns (scope type, canonical scope key, language code or None)."""
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
            self._chat(scope)
        if scope["type"] == "chat_member" and not isinstance(scope.get("user_id"), int):
            raise ApiError(400, "Bad Request: user not found")
        language = params.get("language_code") or ""
        if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
            raise ApiError(400, "Bad Request: invalid language code specified")
        key = json.dumps(scope, sort_keys=True) + "|" + language
        return scope["type"], key, language or None

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands", [])
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned = [_check_bot_command(command) for command in commands]
        scope_type, key, language = self._command_scope(params)
        if cleaned:
            self._commands_by_scope[key] = cleaned
            self.commands[(scope_type, language)] = copy.deepcopy(cleaned)
        else:
            # An empty list clears the commands, as deleteMyCommands does.
            self._commands_by_scope.pop(key, None)
            self.commands.pop((scope_type, language), None)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        _, key, _ = self._command_scope(params)
        return copy.deepcopy(self._commands_by_scope.get(key, []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        scope_type, key, language = self._command_scope(params)
        self._commands_by_scope.pop(key, None)
        self.commands.pop((scope_type, language), None)
        return True

    async def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        formatted = self._text(params)
        markup = self._reply_markup(params)
        self._check_not_blocked(chat)
        message = self._new_message(chat, params, html=self._html_source(params, "text"))
        message["text"] = formatted.text
        if formatted.entities:
            message["entities"] = formatted.entities
        if markup is not None:
            message["reply_markup"] = markup
        return self._record_sent("sendMessage", params, message)

    async def _send_photo(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        photo = self._input_photo(params)
        caption = self._caption(params)
        markup = self._reply_markup(params)
        self._check_not_blocked(chat)
        message = self._new_message(chat, params, html=self._html_source(params, "caption"))
        message["photo"] = [photo.photo_size()]
        _set_caption(message, caption)
        if markup is not None:
            message["reply_markup"] = markup
        return self._record_sent("sendPhoto", params, message)

    async def _copy_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        source_chat = self._chat(params, "from_chat_id")
        source = source_chat.messages.get(params.get("message_id") or 0)
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        caption = self._caption(params) if "caption" in params else None
        markup = self._reply_markup(params)
        self._check_not_blocked(chat)
        html = self._html_source(params, "caption") if caption is not None else source.get("html")
        message = self._new_message(chat, params, html=html)
        for key in ("text", "entities", "photo", "caption", "caption_entities"):
            if key in source:
                message[key] = copy.deepcopy(source[key])
        if caption is not None and "photo" in source:
            _set_caption(message, caption)
        if markup is not None:
            message["reply_markup"] = markup
        self._record_sent("copyMessage", params, message)
        return {"message_id": message["message_id"]}

    async def _edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._message_to_edit(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        formatted = self._text(params)
        markup = self._reply_markup(params, inline_only=True)
        if (
            message["text"] == formatted.text
            and message.get("entities", []) == formatted.entities
            and message.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = formatted.text
        message.pop("entities", None)
        if formatted.entities:
            message["entities"] = formatted.entities
        _set_markup(message, markup)
        message["html"] = self._html_source(params, "text")
        message["edit_date"] = int(time.time())
        return self._record_sent("editMessageText", params, message)

    async def _edit_message_caption(self, params: JSONDict) -> JSONDict:
        message = self._message_to_edit(params)
        if "photo" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption(params)
        markup = self._reply_markup(params, inline_only=True)
        if (
            message.get("caption", "") == caption.text
            and message.get("caption_entities", []) == caption.entities
            and message.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        _set_caption(message, caption)
        _set_markup(message, markup)
        message["html"] = self._html_source(params, "caption")
        message["edit_date"] = int(time.time())
        return self._record_sent("editMessageCaption", params, message)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._message_to_edit(params)
        markup = self._reply_markup(params, inline_only=True)
        if message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        return self._record_sent("editMessageReplyMarkup", params, message)

    async def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        message = chat.messages.pop(params.get("message_id") or 0, None)
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append(message)
        return True

    async def _answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, QUERY_INVALID)
        if utf16_len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(str(query_id))
        self.callback_answers.append(dict(params))
        return True

    async def _send_chat_action(self, params: JSONDict) -> bool:
        chat = self._chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self._check_not_blocked(chat)
        self.chat_actions.append((chat.id, str(action)))
        return True

    def _member(self, chat: _Chat, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            user = self._bot_user()
            default = "member"
        elif user_id in self._users:
            user = dict(self._users[user_id])
            default = "member" if chat.type == "private" and chat.id == user_id else "left"
        else:
            raise ApiError(400, "Bad Request: user not found")
        return _member_json(user, self._chat_members.get((chat.id, user_id), default))

    async def _get_chat(self, params: JSONDict) -> JSONDict:
        """A ChatFullInfo, found by id or by "@username" as Telegram does for public chats."""
        value = params.get("chat_id")
        if isinstance(value, str) and value.startswith("@"):
            found = [c for c in self._chats.values() if c.username == value[1:]]
            if not found:
                raise ApiError(400, "Bad Request: chat not found")
            chat = found[0]
        else:
            chat = self._chat(params)
        return {**chat.as_json(), "accent_color_id": 0, "max_reaction_count": 11}

    async def _get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: user_id is empty")
        return self._member(chat, user_id)

    async def _get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self._chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member(chat, user_id)
            for (chat_id, user_id), status in self._chat_members.items()
            if chat_id == chat.id and status in {"creator", "administrator"}
        ]

    async def _get_file(self, params: JSONDict) -> JSONDict:
        stored = self._files.get(str(params.get("file_id") or ""))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }


# ==== module helpers ==============================================================================


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
    return {key: _coerce(key, value) for key, value in raw.items()}


def _coerce(name: str, value: Any) -> Any:
    """Types one parameter as Telegram does. PTB sends ints as "123", bools as "true" and
    objects as JSON text."""
    if isinstance(value, UploadedFile) or value is None:
        return value
    if name in _CHAT_ID_PARAMS:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        return int(text) if re.fullmatch(r"-?\d+", text) else text
    if name in _INT_PARAMS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            return int(str(value).strip())
        except ValueError:
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in _FLOAT_PARAMS:
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None
    if name in _BOOL_PARAMS:
        return value if isinstance(value, bool) else str(value).lower() in {"true", "1"}
    if name in _JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            what = "reply keyboard markup" if name == "reply_markup" else name
            raise ApiError(400, f"Bad Request: can't parse {what} JSON object") from None
    if name in {"callback_query_id", "text", "caption"} and not isinstance(value, str):
        return str(value)
    return value


def _check_inline_keyboard(rows: Any) -> JSONDict | None:
    """Checks an inline keyboard the way Telegram does. Returns it as stored on the message,
    or None for an empty one, which removes the keyboard."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(
            400,
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array '
            "of Arrays",
        )
    if sum(len(row) for row in rows) > MAX_BUTTONS or any(
        len(row) > MAX_BUTTONS_PER_ROW for row in rows
    ):
        raise ApiError(400, "Bad Request: reply markup is too long")
    kept = [[_check_inline_button(button) for button in row] for row in rows if row]
    return {"inline_keyboard": kept} if kept else None


def _check_inline_button(button: Any) -> JSONDict:
    prefix = "Bad Request: can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise ApiError(400, prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise ApiError(400, prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise ApiError(400, prefix + 'Field "text" must be of type String')
    if not button["text"].strip():
        raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
    actions = [key for key in _INLINE_BUTTON_ACTIONS if _has_action(button, key)]
    if not actions:
        raise ApiError(400, prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # Telegram silently uses one of them; the other one is dead code in the bot.
        raise ApiError(
            400, prefix + f"exactly one optional field must be used, got {', '.join(actions)}"
        )
    if actions[0] == "callback_data":
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    if actions[0] == "url":
        _check_button_url(button["url"])
    return {key: copy.deepcopy(value) for key, value in button.items() if value is not None}


def _has_action(button: JSONDict, key: str) -> bool:
    """Telegram treats an empty url or callback_data as absent. An empty switch_inline_query
    is a real action: it opens inline mode with an empty query."""
    value = button.get(key)
    if value is None:
        return False
    return value != "" or key.startswith("switch_inline_query")


def _check_button_url(url: Any) -> None:
    if not isinstance(url, str):
        raise ApiError(
            400,
            'Bad Request: can\'t parse inline keyboard button: Field "url" must be of type String',
        )
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parts.scheme.lower()
    problem = None
    if scheme not in {"http", "https", "tg", "ton"}:
        problem = "Unsupported URL protocol"
    elif scheme in {"http", "https"} and (
        not parts.hostname or "." not in parts.hostname or parts.hostname.endswith(".")
    ):
        problem = "Wrong HTTP URL"
    elif scheme == "tg" and not parts.netloc:
        problem = "Wrong URL host"
    if problem is not None:
        raise ApiError(
            400, f"Bad Request: inline keyboard button URL '{url}' is invalid: {problem}"
        )


def _check_bot_command(command: Any) -> JSONDict:
    prefix = "Bad Request: can't parse BotCommand: "
    if not isinstance(command, dict):
        raise ApiError(400, prefix + "expected an Object")
    for key in ("command", "description"):
        if key not in command:
            raise ApiError(400, prefix + f'Can\'t find field "{key}"')
        if not isinstance(command[key], str):
            raise ApiError(400, prefix + f'Field "{key}" must be of type String')
    name, description = command["command"], command["description"]
    if not name:
        raise ApiError(400, "Bad Request: command must be non-empty")
    if len(name) > 32:
        raise ApiError(400, "Bad Request: command is too long")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    if not description.strip():
        raise ApiError(400, "Bad Request: command description must be non-empty")
    if len(description) > 256:
        raise ApiError(400, "Bad Request: command description is too long")
    return {"command": name, "description": description}


def _set_caption(message: JSONDict, caption: FormattedText) -> None:
    message.pop("caption", None)
    message.pop("caption_entities", None)
    if caption.text:
        message["caption"] = caption.text
    if caption.entities:
        message["caption_entities"] = caption.entities


def _set_markup(message: JSONDict, markup: JSONDict | None) -> None:
    """Edits without reply_markup remove the keyboard, as on Telegram."""
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup


def _member_json(user: JSONDict, status: str) -> JSONDict:
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member |= {
            "can_be_edited": False,
            "is_anonymous": False,
            "can_manage_chat": True,
            "can_delete_messages": True,
            "can_manage_video_chats": True,
            "can_restrict_members": True,
            "can_promote_members": False,
            "can_change_info": True,
            "can_invite_users": True,
            "can_post_stories": False,
            "can_edit_stories": False,
            "can_delete_stories": False,
        }
    elif status == "kicked":
        member["until_date"] = 0
    return member


def _image_size(data: bytes) -> tuple[int, int]:
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 320, 320


def _is_webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _error_response(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.error_code)


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _short(params: JSONDict, limit: int = 160) -> str:
    text = repr({k: v for k, v in params.items() if k != "reply_markup"})
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(predicate: Callable[[], bool]) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
