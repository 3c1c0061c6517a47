"""FakeBotAPI: the parts put together, and what a test does with them: act as users, make
Telegram refuse on demand, and see what the bot did."""

from __future__ import annotations

import asyncio
import copy
import inspect
import time
from collections.abc import Callable

from ..telegram_html import utf16_len
from .commands import Commands
from .files import FileStore
from .forums import Forums
from .inline import Inline
from .latency import Latency
from .limits import Limits, most_in_any_window
from .messages import Messages, public
from .profile import Profile
from .protocol import JSONDict, UploadedFile
from .server import Server
from .updates import Updates
from .users import Directory
from .webhook import Webhook


class FakeBotAPI:
    """A Bot API server on 127.0.0.1 that runs in the test's own event loop.

    Use ``user_sends`` / ``user_presses`` to act as users, and ``sent``, ``messages_to``,
    ``requests`` and ``rejected`` to see what the bot did. ``block``, ``fail_next`` (undone by
    ``clear_failures``) and unknown chats make Telegram's failure answers happen on demand;
    ``set_rate_limits`` makes it answer 429 like Telegram when sends go too fast
    (``throttled``, ``counted``, ``busiest``); ``set_latency`` puts it a round trip away, with
    jitter.
    """

    def __init__(
        self, token: str = "123456:TEST-TOKEN", bot_username: str = "mujaz_test_bot"
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.bot_id = int(token.split(":", 1)[0])

        self._directory = Directory(self.bot_id, bot_username)
        self._limits = Limits()
        self._latency = Latency()
        self._files = FileStore()
        self._updates = Updates()
        self._forums = Forums(self._directory)
        self._messages = Messages(self._directory, self._limits, self._files, self._forums)
        self._commands = Commands(self._directory)
        self._webhook = Webhook(self._updates)
        self._profile = Profile()
        self._inline = Inline()
        self._server = Server(
            token,
            {
                "getMe": self._directory.get_me,
                "getUpdates": self._updates.get_updates,
                "deleteWebhook": self._webhook.delete_webhook,
                "setWebhook": self._webhook.set_webhook,
                "getWebhookInfo": self._webhook.get_webhook_info,
                "sendDocument": self._messages.send_document,
                "setMyCommands": self._commands.set_my_commands,
                "getMyCommands": self._commands.get_my_commands,
                "setMyDescription": self._profile.set_my_description,
                "getMyDescription": self._profile.get_my_description,
                "setMyShortDescription": self._profile.set_my_short_description,
                "getMyShortDescription": self._profile.get_my_short_description,
                "sendMessage": self._messages.send_message,
                "editMessageText": self._messages.edit_message_text,
                "editMessageReplyMarkup": self._messages.edit_message_reply_markup,
                "answerCallbackQuery": self._messages.answer_callback_query,
                "copyMessage": self._messages.copy_message,
                "sendPhoto": self._messages.send_photo,
                "deleteMessage": self._messages.delete_message,
                "sendChatAction": self._messages.send_chat_action,
                "getChat": self._directory.get_chat,
                "getChatMember": self._directory.get_chat_member,
                "getChatAdministrators": self._directory.get_chat_administrators,
                "getFile": self._files.get_file,
                "answerInlineQuery": self._inline.answer_inline_query,
                "createForumTopic": self._forums.create_forum_topic,
            },
            self._files,
            self._limits,
            self._latency,
        )

        # What tests read: the parts' own lists, which they only ever change in place.
        self.requests = self._server.requests
        self.rejected = self._server.rejected
        self.sent = self._messages.sent
        self.deleted = self._messages.deleted
        self.callback_answers = self._messages.callback_answers
        self.chat_actions = self._messages.chat_actions
        self.commands = self._commands.commands
        self.menu = self._commands.menu
        self.descriptions = self._profile.descriptions
        self.short_descriptions = self._profile.short_descriptions
        self.inline_answers = self._inline.answers
        self.forum_topics_created = self._forums.created
        self.throttled = self._limits.throttled
        self.webhook = self._webhook  # url, secret, allowed_updates, posts, last_error_*
        self.counted = self._limits.counted

        # What tests set up, done by the part it concerns.
        self.add_chat = self._directory.add_chat
        self.set_member_status = self._directory.set_member_status
        self.block = self._limits.block
        self.unblock = self._limits.unblock
        self.fail_next = self._limits.fail_next
        self.clear_failures = self._limits.clear_failures
        self.set_rate_limits = self._limits.set_rate_limits
        self.delete_thread = self._forums.delete_thread
        self.add_thread = self._forums.add_thread
        self.set_latency = self._latency.set
        self.stall_next = self._latency.stall_next

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` once started."""
        return self._server.url

    # ==== lifecycle ==============================================================================

    async def start(self) -> None:
        """Binds a free port on 127.0.0.1. Every test gets its own server, so state never
        leaks from one test to another."""
        await self._server.start()
        self._updates.open()

    async def stop(self) -> None:
        """Releases pending long polls first, so the shutdown doesn't wait for their timeout."""
        self._updates.close()
        await self._webhook.close()
        await self._server.stop()

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
        username: str | None = None,
    ) -> JSONDict:
        """Queues an Update with a text Message from ``user_id`` and returns the message.

        A user writing to the bot makes the chat known. In a private chat it also lifts a
        block: Telegram clients only let a user write again after unblocking the bot.
        ``reply_to`` (a message of the chat) makes it a reply; ``photo`` (image bytes)
        makes it a photo with ``text`` as its caption; ``username`` is the sender's
        @username (also their private chat's).
        """
        if chat_id is None:
            if chat_type != "private":
                raise ValueError(f"chat_id is required for a {chat_type} chat")
            chat_id = user_id
        directory = self._directory
        user = directory.remember_user(user_id, first_name, language_code, username)
        chat = directory.chats.get(chat_id)
        if chat is None:
            chat = directory.make_chat(chat_id, chat_type, title=None, first_name=first_name)
        elif chat.type != chat_type:
            raise ValueError(f"chat {chat_id} is a {chat.type} chat, not {chat_type}")
        if chat.type == "private":
            chat.first_name = first_name
            chat.username = username
            self._limits.unblock(chat_id)
        directory.members.setdefault((chat_id, user_id), "member")

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
            self._forums.open_thread(chat, thread_id)
        if reply_to is not None:
            replied = chat.messages.get(reply_to["message_id"])
            if replied is None:
                raise ValueError(f"message {reply_to['message_id']} is not in chat {chat_id}")
            message["reply_to_message"] = public(replied)
        if photo is not None:
            stored = self._files.store(UploadedFile("photo.png", "image/png", photo))
            message["photo"] = [stored.photo_size()]
            message["caption"] = message.pop("text")
        elif text.startswith("/"):
            command = text.split(maxsplit=1)[0]  # "/start@mujaz_test_bot arg" -> the first word
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        chat.messages[message["message_id"]] = message
        self._updates.queue({"message": copy.deepcopy(message)})
        return copy.deepcopy(message)

    def user_edits(self, message: JSONDict, text: str) -> JSONDict:
        """Queues an ``edited_message`` Update: the earlier ``message`` now reads ``text``."""
        chat = self._directory.chats[message["chat"]["id"]]
        stored = chat.messages[message["message_id"]]
        stored["text"] = text
        stored["edit_date"] = int(time.time())
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            stored["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        self._updates.queue({"edited_message": copy.deepcopy(stored)})
        return copy.deepcopy(stored)

    def channel_posts(self, chat_id: int, text: str) -> JSONDict:
        """Queues a ``channel_post`` Update: a post in a channel the bot is in (no sender user)."""
        chat = self._directory.chats[chat_id]
        if chat.type != "channel":
            raise ValueError(f"chat {chat_id} is a {chat.type} chat, not a channel")
        post: JSONDict = {
            "message_id": chat.next_message_id(),
            "sender_chat": chat.as_json(),
            "chat": chat.as_json(),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            post["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(command)}]
        chat.messages[post["message_id"]] = post
        self._updates.queue({"channel_post": copy.deepcopy(post)})
        return copy.deepcopy(post)

    def bot_added(
        self, chat_id: int, by_user: int, *, status: str = "member", language_code: str = "ar"
    ) -> JSONDict:
        """Queues a ``my_chat_member`` Update: ``by_user`` added the bot to a known group or
        channel (``add_chat`` first), as a member or an administrator."""
        chat = self._directory.chats[chat_id]
        known = self._directory.users.get(by_user, {})
        user = self._directory.remember_user(
            by_user, known.get("first_name", "User"), language_code, known.get("username")
        )
        self._directory.members[(chat_id, self.bot_id)] = status
        change: JSONDict = {
            "chat": chat.as_json(),
            "from": dict(user),
            "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": self._directory.bot_user()},
            "new_chat_member": self._directory.member_json(chat_id, self.bot_id),
        }
        self._updates.queue({"my_chat_member": copy.deepcopy(change)})
        return change

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
        chat = self._directory.chats.get(chat_id)
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
        known = self._directory.users.get(user_id, {})
        first_name = known.get("first_name", "User")
        user = self._directory.remember_user(user_id, first_name, language_code)
        query: JSONDict = {
            "id": self._messages.open_query(),
            "from": dict(user),
            "message": public(current),
            "chat_instance": str(abs(chat_id) * 7919 + 13),
            "data": data,
        }
        self._updates.queue({"callback_query": copy.deepcopy(query)})
        return query

    def user_types_inline(
        self,
        user_id: int,
        query: str,
        *,
        language_code: str | None = "ar",
        chat_type: str = "private",
    ) -> JSONDict:
        """Queues an ``inline_query`` Update: the user typed "@bot <query>" in a chat of
        ``chat_type`` ("sender", "private", "group", "supergroup" or "channel"). The answer the
        bot gives lands in ``inline_answers`` (see ``wait_for_inline_answer``)."""
        known = self._directory.users.get(user_id, {})
        user = self._directory.remember_user(
            user_id, known.get("first_name", "User"), language_code
        )
        inline_query: JSONDict = {
            "id": self._inline.open_query(),
            "from": dict(user),
            "query": query,
            "offset": "",
            "chat_type": chat_type,
        }
        self._updates.queue({"inline_query": copy.deepcopy(inline_query)})
        return inline_query

    async def wait_for_inline_answer(
        self, inline_query: JSONDict, timeout: float = 5.0
    ) -> JSONDict:
        """The bot's accepted answerInlineQuery for ``inline_query`` (a refused one never
        counts: see ``rejected``)."""

        def answer() -> JSONDict | None:
            found = [a for a in self.inline_answers if a["inline_query_id"] == inline_query["id"]]
            return found[0] if found else None

        await self.wait_for(lambda: answer() is not None, timeout)
        found = answer()
        assert found is not None
        return found

    def user_deletes(self, message: JSONDict) -> None:
        """The user deletes their message: copying it now fails as it would on Telegram."""
        chat = self._directory.chats.get(message["chat"]["id"])
        if chat is None or chat.messages.pop(message["message_id"], None) is None:
            raise ValueError(f"message {message['message_id']} is not in its chat")

    # ==== what the bot did =======================================================================

    def busiest(self, period: float = 1.0) -> int:
        """The most sends Telegram counted in any window of ``period`` seconds slid over
        their arrivals: what its limits are about."""
        return most_in_any_window([at for at, _, _ in self.counted], period)

    def messages_to(self, chat_id: int) -> list[JSONDict]:
        """Bot messages in the chat now, oldest first: edits applied, deleted ones left out.

        Each dict is a Message plus ``html``, the HTML source the bot sent (None for other
        parse modes).
        """
        chat = self._directory.chats.get(chat_id)
        if chat is None:
            return []
        return [
            copy.deepcopy(message)
            for message in chat.messages.values()
            if message.get("from", {}).get("id") == self.bot_id
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

    def _summary(self) -> str:
        """The last requests and refusals, for a failed wait to show what did happen."""
        recent = [f"{method} {_short(params)}" for method, params in self.requests[-8:]]
        rejected = [f"{method}: {description}" for method, _, description in self.rejected[-8:]]
        return (
            "last requests:\n  " + ("\n  ".join(recent) or "(none)") + "\n"
            "rejected:\n  " + ("\n  ".join(rejected) or "(none)")
        )


def _short(params: JSONDict, limit: int = 160) -> str:
    text = repr({k: v for k, v in params.items() if k != "reply_markup"})
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _describe(predicate: Callable[[], bool]) -> str:
    try:
        return inspect.getsource(predicate).strip()
    except (OSError, TypeError):
        return repr(predicate)
