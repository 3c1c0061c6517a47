"""A digest on request: /digest and /digest more differ only in the values of a `Request`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.core.compose import MAX_LOOKBACK, lookback
from bot.models import Chat, DigestKind
from storage.deliveries import DeliveryRepository


@dataclass(frozen=True)
class Request:
    kind: DigestKind
    chat: Chat  # as the digest sees it: "more" sees the mark its last digest started from
    since: datetime  # how far back the stories are read
    up_to: int | None = None  # the newest article considered; None: the newest there is
    exclude: tuple[int, ...] = ()  # stories already sent
    advance: bool = True  # sending it moves the chat's "newer than" mark


async def read_request(
    deliveries: DeliveryRepository, chat: Chat, now: datetime, *, more: bool
) -> Request | None:
    """/digest: what is new since the chat's last digest. /digest more: the stories its
    last digest had no room for, from that digest's window (None when there was none)."""
    if not more:
        return Request(DigestKind.MANUAL, chat, lookback(chat, now))
    last = await deliveries.last_digest(chat.chat_id)
    if last is None:
        return None
    newer_than, up_to = last.window
    return Request(
        DigestKind.MORE,
        replace(chat, last_article_id=newer_than),
        now - MAX_LOOKBACK,
        up_to,
        tuple(last.sent),
        advance=False,
    )
