"""Who may change a group's or a channel's digest: Telegram's answer, kept for minutes.

Rights change: an admin is demoted, a member promoted. Each settings change and each
publish asks again once the remembered answer is older than `keep`, so a demoted
admin loses control within minutes, while a burst of commands costs one getChatMember.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError

ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)
KEEP = timedelta(minutes=5)
REMEMBERED = 10_000  # (chat, user) answers kept at most: a flood of strangers stays bounded


class ChatAdmins:
    def __init__(self, clock: Callable[[], datetime], *, keep: timedelta = KEEP) -> None:
        self.clock = clock
        self.keep = keep
        self._answers: OrderedDict[tuple[int, int], tuple[datetime, bool]] = OrderedDict()

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user administers the chat; a chat Telegram will not tell about: no."""
        key, now = (chat_id, user_id), self.clock()
        remembered = self._answers.get(key)
        if remembered is not None and now - remembered[0] < self.keep:
            return remembered[1]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError:
            return False  # not remembered: the next command asks again
        answer = member.status in ADMIN_STATUSES
        self._answers[key] = (now, answer)
        self._answers.move_to_end(key)
        while len(self._answers) > REMEMBERED:
            self._answers.popitem(last=False)
        return answer
