"""Forum supergroups: topic threads as Telegram keeps them. createForumTopic (the bot needs
to be an admin of a forum; a name of 1–128 characters; one of Telegram's six icon colours)
and the check every send makes of ``message_thread_id``: a thread that does not exist, or
was deleted, is Telegram's 400 "message thread not found"."""

from __future__ import annotations

from typing import Any

from .protocol import ApiError, JSONDict
from .users import Chat, Directory

MAX_TOPIC_NAME = 128
ICON_COLORS = frozenset({7322096, 16766590, 13338331, 9367192, 16749490, 16478047})
THREAD_NOT_FOUND = "Bad Request: message thread not found"


class Forums:
    """Threads per forum chat; ``created`` is what tests read (chat id, thread id, name)."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self.created: list[tuple[int, int, str]] = []

    def open_thread(self, chat: Chat, thread_id: int) -> None:
        """A thread users write in exists (tests name them freely)."""
        chat.threads.add(thread_id)

    def add_thread(self, chat_id: int, thread_id: int) -> None:
        """A thread made before the test (by an admin, or by the bot in an earlier run)."""
        chat = self._directory.chats[chat_id]
        if not chat.is_forum:
            raise ValueError(f"chat {chat_id} is not a forum")
        chat.threads.add(thread_id)

    def delete_thread(self, chat_id: int, thread_id: int) -> None:
        """An admin deletes the thread: sends into it now fail."""
        chat = self._directory.chats[chat_id]
        if thread_id not in chat.threads:
            raise ValueError(f"chat {chat_id} has no thread {thread_id}")
        chat.threads.discard(thread_id)

    def check_thread(self, chat: Chat, params: JSONDict) -> int | None:
        """The thread a send names, when it exists; Telegram's 400 when it does not."""
        thread = params.get("message_thread_id")
        if thread is None:
            return None
        if not chat.is_forum or thread not in chat.threads:
            raise ApiError(400, THREAD_NOT_FOUND)
        return int(thread)

    # ==== Bot API methods ========================================================================

    async def create_forum_topic(self, params: JSONDict) -> JSONDict:
        chat = self._directory.chat(params)
        if chat.type != "supergroup" or not chat.is_forum:
            raise ApiError(400, "Bad Request: the chat is not a forum")
        status = self._directory.members.get((chat.id, self._directory.bot_id), "member")
        if status not in {"administrator", "creator"}:
            raise ApiError(400, "Bad Request: not enough rights to create a topic")
        name: Any = params.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, "Bad Request: TOPIC_TITLE_EMPTY")
        if len(name) > MAX_TOPIC_NAME:
            raise ApiError(400, "Bad Request: TOPIC_TITLE_TOO_LONG")
        color = params.get("icon_color", next(iter(sorted(ICON_COLORS))))
        if color not in ICON_COLORS:
            raise ApiError(400, "Bad Request: TOPIC_ICON_COLOR_INVALID")
        thread_id = chat.next_message_id()  # a thread's id is its opening service message's
        chat.threads.add(thread_id)
        self.created.append((chat.id, thread_id, name))
        return {"message_thread_id": thread_id, "name": name, "icon_color": color}
