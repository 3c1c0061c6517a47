"""Who is who in the fake: the bot itself, the users and chats it knows, and who is a member
of which chat. Also the Bot API methods that only read this: getMe, getChat, getChatMember and
getChatAdministrators."""

from __future__ import annotations

from dataclasses import dataclass, field

from .protocol import ApiError, JSONDict

_CHAT_TYPES = frozenset({"private", "group", "supergroup", "channel"})
_MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


@dataclass
class Chat:
    """A chat and its messages. ``messages`` maps message_id to the message as stored, with
    the fake-only keys (see messages.public)."""

    id: int
    type: str
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    is_forum: bool = False
    last_message_id: int = 0
    threads: set[int] = field(default_factory=set)  # a forum's topic threads (forums.py)
    # User and bot messages share one counter, as in a real chat.
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


class Directory:
    """The chats, users and memberships, keyed as Telegram keys them."""

    def __init__(self, bot_id: int, bot_username: str) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, JSONDict] = {}
        self.members: dict[tuple[int, int], str] = {}

    def bot_user(self) -> JSONDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Mujaz",
            "username": self.bot_username,
        }

    def remember_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None,
        username: str | None = None,
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def make_chat(
        self, chat_id: int, chat_type: str, *, title: str | None, first_name: str | None
    ) -> Chat:
        """Adds the chat, or retypes and renames a known one while keeping its messages."""
        if chat_type not in _CHAT_TYPES:
            raise ValueError(f"unknown chat type {chat_type!r}")
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id, chat_type)
        chat.type = chat_type
        chat.title = title if chat_type != "private" else None
        chat.first_name = first_name if chat_type == "private" else None
        return chat

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
        with topic threads (see ``FakeBotAPI.user_sends(thread_id=...)``).
        """
        chat = self.make_chat(chat_id, chat_type, title=title, first_name=title)
        chat.username = username
        chat.is_forum = is_forum

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Sets what getChatMember / getChatAdministrators report for ``user_id``."""
        if status not in _MEMBER_STATUSES:
            raise ValueError(f"unsupported member status {status!r}")
        if user_id not in self.users:
            self.remember_user(user_id, "User", None)
        self.members[(chat_id, user_id)] = status

    def chat(self, params: JSONDict, key: str = "chat_id") -> Chat:
        """The chat a request names, or Telegram's 400 for an empty or unknown one."""
        value = params.get(key)
        if value is None or value == "":
            raise ApiError(400, f"Bad Request: {key} is empty")
        chat = self.chats.get(value) if isinstance(value, int) else None
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def member_json(self, chat_id: int, user_id: int) -> JSONDict:
        """A ChatMember as getChatMember would answer it."""
        return self._member(self.chats[chat_id], user_id)

    def _member(self, chat: Chat, user_id: int) -> JSONDict:
        if user_id == self.bot_id:
            user = self.bot_user()
            default = "member"
        elif user_id in self.users:
            user = dict(self.users[user_id])
            default = "member" if chat.type == "private" and chat.id == user_id else "left"
        else:
            raise ApiError(400, "Bad Request: user not found")
        return _member_json(user, self.members.get((chat.id, user_id), default))

    # ==== Bot API methods ========================================================================

    async def get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,  # switched on in @BotFather (/setinline)
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_chat(self, params: JSONDict) -> JSONDict:
        """A ChatFullInfo, found by id or by "@username" as Telegram does for public chats."""
        value = params.get("chat_id")
        if isinstance(value, str) and value.startswith("@"):
            found = [c for c in self.chats.values() if c.username == value[1:]]
            if not found:
                raise ApiError(400, "Bad Request: chat not found")
            chat = found[0]
        else:
            chat = self.chat(params)
        return {**chat.as_json(), "accent_color_id": 0, "max_reaction_count": 11}

    async def get_chat_member(self, params: JSONDict) -> JSONDict:
        chat = self.chat(params)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise ApiError(400, "Bad Request: user_id is empty")
        return self._member(chat, user_id)

    async def get_chat_administrators(self, params: JSONDict) -> list[JSONDict]:
        chat = self.chat(params)
        if chat.type == "private":
            raise ApiError(400, "Bad Request: there are no administrators in the private chat")
        return [
            self._member(chat, user_id)
            for (chat_id, user_id), status in self.members.items()
            if chat_id == chat.id and status in {"creator", "administrator"}
        ]


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
            "can_manage_topics": True,
        }
    elif status == "kicked":
        member["until_date"] = 0
    return member
