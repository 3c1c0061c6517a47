"""Who a private instance serves (ALLOWED_CHATS; the rule is bot.core.access), and what it
remembers to apply it when no update is at hand: the @usernames chats were seen with, and
which known chats it does not serve now (no digests, no broadcasts; see storage/access.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.access import AllowList
from storage.access import AccessRepository


class Access:
    def __init__(
        self, allow: AllowList | None, admin_ids: frozenset[int], repo: AccessRepository
    ) -> None:
        self.allow = allow
        self.admin_ids = admin_ids
        self.repo = repo
        self._names: dict[int, str] = {}
        self._unserved: set[int] = set()
        self._told: set[int] = set()  # a flood from a chat already told costs no query

    @property
    def private(self) -> bool:
        return self.allow is not None

    async def start(self) -> None:
        """Record which known chats are not served under today's ALLOWED_CHATS (none when
        the instance is open: a chat's settings are kept, nothing is lost by opening it)."""
        self._names = await self.repo.usernames()
        known = await self.repo.known_chats() if self.private else []
        self._unserved = {chat_id for chat_id in known if not self._serves(chat_id)}
        await self.repo.set_unserved(self._unserved)

    async def serves(self, chat_id: int, usernames: Sequence[str | None] = ()) -> bool:
        """Whether the bot serves this chat, seen now with these @usernames (the chat's,
        and for a private chat its user's). ADMIN_IDS' private chats always are."""
        if self.allow is None:
            return True
        names = [name.lower() for name in usernames if name]
        served = self._serves(chat_id, names)
        # The listed @username it has now (if any) is how it is known when no update is at
        # hand (planning digests at the next start); a name it no longer has is forgotten.
        listed = next((name for name in names if name in self.allow.usernames), None)
        if self._names.get(chat_id) != listed:
            if listed is None:
                self._names.pop(chat_id, None)
                await self.repo.forget_username(chat_id)
            else:
                self._names[chat_id] = listed
                await self.repo.remember_username(chat_id, listed)
        if served == (chat_id in self._unserved):
            if served:
                self._unserved.discard(chat_id)
            else:
                self._unserved.add(chat_id)
            await self.repo.mark(chat_id, served=served)
        return served

    async def tell_once(self, chat_id: int) -> bool:
        """True the first time this chat is turned away (the only time it is told)."""
        if chat_id in self._told:
            return False
        self._told.add(chat_id)
        return await self.repo.tell_once(chat_id)

    def _serves(self, chat_id: int, usernames: Sequence[str] | None = None) -> bool:
        if self.allow is None or chat_id in self.admin_ids:
            return True
        if usernames is None:  # no update at hand: the name it was last seen with
            known = self._names.get(chat_id)
            usernames = [known] if known else []
        return self.allow.admits(chat_id, usernames)
