"""What an inline button carries: one frozen dataclass per kind, packed into callback data.

Telegram gives a button at most 64 bytes of `callback_data` and sends them back as
they are — or as anyone with a client chooses to forge them. `pack` turns a button
into its data (and refuses one that could not come back as itself); `parse` turns
data back into a button, or None for anything we never packed. Handlers match on
the button, and are registered with `pattern(...)` for the kinds they take.

The wire format is the one keyboards already in chats carry, so old buttons keep
working: `t:<topic id>`, `t:done`, `bc:send:<id>`, `bc:drop:<id>`; `fa:add:<token>` and
`fa:drop:<token>` answer /addfeed's question about a feed in another language;
`mu:x:<id>` unmutes one of a chat's muted phrases (/unmute).
`rf:del:<id>` and `rf:keep:<id>` answer /removefeed's question; `tz:<zone>` picks one of the
zones a city name may mean (/timezone عمان).
`dg:pub:<n|m>:<chat id>:<article id>` and `dg:keep` answer a channel digest's preview.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import assert_never

MAX_BYTES = 64  # Telegram's limit on callback_data


@dataclass(frozen=True)
class ToggleTopic:
    """A topic on the /topics keyboard: subscribe if off, unsubscribe if on."""

    topic_id: str


@dataclass(frozen=True)
class TopicsDone:
    """The /topics keyboard's Done: confirm the choice."""


@dataclass(frozen=True)
class SendBroadcast:
    """Send on a broadcast's preview: the draft becomes a job."""

    broadcast_id: int


@dataclass(frozen=True)
class DropBroadcast:
    """Cancel on a broadcast's preview: the draft is discarded."""

    broadcast_id: int


@dataclass(frozen=True)
class AddFeed:
    """Add on /addfeed's question about a feed in another language."""

    token: str  # names the pending add in the chat's data; random, so it cannot be guessed


@dataclass(frozen=True)
class DropFeed:
    """Cancel on the same question: the feed is not added."""

    token: str


@dataclass(frozen=True)
class Unmute:
    """A muted phrase on /unmute's list: unmute it (its row id; the phrase may not fit)."""

    mute_id: int


@dataclass(frozen=True)
class RemoveFeed:
    """Delete on /removefeed's question: the feed and its articles go."""

    feed_id: int


@dataclass(frozen=True)
class KeepFeed:
    """Keep on the same question: nothing is deleted."""

    feed_id: int


@dataclass(frozen=True)
class PickZone:
    """One of the zones /timezone offered for a name two cities share."""

    zone: str  # an IANA name; the handler checks it is one


@dataclass(frozen=True)
class PublishDigest:
    """Publish on the preview of a channel's (or group's) digest, shown to its admin."""

    chat_id: int  # the channel
    up_to: int  # the newest article the preview considered: what is published is what was seen
    more: bool = False  # the preview was of /digest more


@dataclass(frozen=True)
class KeepDigest:
    """Do not publish, on the same preview."""


Button = (
    ToggleTopic
    | TopicsDone
    | SendBroadcast
    | DropBroadcast
    | AddFeed
    | DropFeed
    | RemoveFeed
    | KeepFeed
    | PickZone
    | Unmute
    | PublishDigest
    | KeepDigest
)

_TOPIC_ID = r"[A-Za-z0-9_.-]+"
_ID = r"[1-9][0-9]{0,18}"  # a row id, written the one way pack writes it
_TOKEN = r"[A-Za-z0-9_-]{8}"  # secrets.token_urlsafe(6)
_CHAT = r"-?[1-9][0-9]{0,18}"  # a chat id: channels and supergroups are negative
_COUNT = r"0|[1-9][0-9]{0,18}"
_PARSERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Button]], ...] = (
    (re.compile(r"t:done"), lambda m: TopicsDone()),
    (re.compile(rf"t:({_TOPIC_ID})", re.ASCII), lambda m: ToggleTopic(m[1])),
    (re.compile(rf"bc:send:({_ID})", re.ASCII), lambda m: SendBroadcast(int(m[1]))),
    (re.compile(rf"bc:drop:({_ID})", re.ASCII), lambda m: DropBroadcast(int(m[1]))),
    (re.compile(rf"fa:add:({_TOKEN})", re.ASCII), lambda m: AddFeed(m[1])),
    (re.compile(rf"fa:drop:({_TOKEN})", re.ASCII), lambda m: DropFeed(m[1])),
    (re.compile(rf"mu:x:({_ID})", re.ASCII), lambda m: Unmute(int(m[1]))),
    (re.compile(rf"rf:del:({_ID})", re.ASCII), lambda m: RemoveFeed(int(m[1]))),
    (re.compile(rf"rf:keep:({_ID})", re.ASCII), lambda m: KeepFeed(int(m[1]))),
    (re.compile(r"tz:([A-Za-z][A-Za-z0-9_+/-]{0,40})", re.ASCII), lambda m: PickZone(m[1])),
    (
        re.compile(rf"dg:pub:([nm]):({_CHAT}):({_COUNT})", re.ASCII),
        lambda m: PublishDigest(int(m[2]), int(m[3]), more=m[1] == "m"),
    ),
    (re.compile(r"dg:keep"), lambda m: KeepDigest()),
)


def pack(button: Button) -> str:
    """The callback data for `button`; ValueError if it would not parse back to itself."""
    match button:
        case ToggleTopic(topic_id):
            data = f"t:{topic_id}"
        case TopicsDone():
            data = "t:done"
        case SendBroadcast(broadcast_id):
            data = f"bc:send:{broadcast_id}"
        case DropBroadcast(broadcast_id):
            data = f"bc:drop:{broadcast_id}"
        case AddFeed(token):
            data = f"fa:add:{token}"
        case DropFeed(token):
            data = f"fa:drop:{token}"
        case Unmute(mute_id):
            data = f"mu:x:{mute_id}"
        case RemoveFeed(feed_id):
            data = f"rf:del:{feed_id}"
        case KeepFeed(feed_id):
            data = f"rf:keep:{feed_id}"
        case PickZone(zone):
            data = f"tz:{zone}"
        case PublishDigest(chat_id, up_to, more):
            data = f"dg:pub:{'m' if more else 'n'}:{chat_id}:{up_to}"
        case KeepDigest():
            data = "dg:keep"
        case _:
            assert_never(button)
    if parse(data) != button:
        raise ValueError(f"{button!r} cannot travel as callback data")
    return data


def parse(data: object) -> Button | None:
    """The button `data` stands for; None for anything `pack` never makes."""
    if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
        return None
    for regex, build in _PARSERS:
        match = regex.fullmatch(data)
        if match is not None:
            return build(match)
    return None


def pattern(*kinds: type[Button]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern: true for data that parses to one of `kinds`."""

    def matches(data: object) -> bool:
        return isinstance(parse(data), kinds)

    return matches
