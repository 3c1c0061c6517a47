"""A private instance's allow list (ALLOWED_CHATS): which chats the bot serves.

ALLOWED_CHATS holds chat ids (a user's id is their private chat's; groups and channels
are negative) and @usernames (a user's, a public group's or a channel's), separated by
commas. Empty means open to everyone. A chat is served when its id is listed, its
@username is, or (a private chat) its user's is; ADMIN_IDS' private chats always are.
Usernames are compared without the @ and case-insensitively, as Telegram does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# Telegram usernames: 5–32 characters, letters, digits and underscores, starting with a letter.
_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
_CHAT_ID = re.compile(r"-?[1-9][0-9]{0,15}")


@dataclass(frozen=True)
class AllowList:
    ids: frozenset[int]
    usernames: frozenset[str]  # lower case, without the @

    def admits(self, chat_id: int, usernames: Iterable[str | None] = ()) -> bool:
        """True for a listed id, or when one of the chat's `usernames` is listed."""
        if chat_id in self.ids:
            return True
        return any(name and name.lstrip("@").lower() in self.usernames for name in usernames)


def parse_allowed_chats(text: str) -> AllowList | None:
    """The allow list in ALLOWED_CHATS; None when empty (open to all); ValueError naming
    what is not a chat id or an @username."""
    ids: set[int] = set()
    names: set[str] = set()
    bad: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if _CHAT_ID.fullmatch(part):
            ids.add(int(part))
        elif part.startswith("@") and _USERNAME.fullmatch(part[1:]):
            names.add(part[1:].lower())
        else:
            bad.append(part[:40])
    if bad:
        raise ValueError(f"not a chat id or an @username: {', '.join(bad)}")
    if not ids and not names:
        return None
    return AllowList(frozenset(ids), frozenset(names))
