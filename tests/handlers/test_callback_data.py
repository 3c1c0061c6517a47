"""Button data: what pack writes parses back to the same button; anything else is None."""

from __future__ import annotations

import pytest

from bot.core.topics import Catalog
from handlers.callbacks import (
    MAX_BYTES,
    AddFeed,
    Button,
    DropBroadcast,
    DropFeed,
    KeepDigest,
    KeepFeed,
    PickZone,
    PublishDigest,
    RemoveFeed,
    SendBroadcast,
    ToggleTopic,
    TopicsDone,
    Unmute,
    pack,
    parse,
    pattern,
)
from tests.paths import TEMPLATES

BUTTONS: list[Button] = [
    ToggleTopic("south_caucasus"),
    ToggleTopic("a.b-c_9"),
    TopicsDone(),
    SendBroadcast(1),
    SendBroadcast(9_223_372_036_854_775_807),  # SQLite's largest row id
    DropBroadcast(42),
    AddFeed("Ab3_-x9Z"),
    DropFeed("00000000"),
    Unmute(1),
    Unmute(9_223_372_036_854_775_807),
    RemoveFeed(3),
    KeepFeed(9_223_372_036_854_775_807),
    PickZone("Asia/Amman"),
    PickZone("America/Argentina/ComodRivadavia"),
    PickZone("Etc/GMT-3"),
    PublishDigest(-1_001_234_567_890, 9_223_372_036_854_775_807, more=True),
    PublishDigest(-100555, 0),
    KeepDigest(),
]


@pytest.mark.parametrize("button", BUTTONS, ids=repr)
def test_pack_then_parse_gives_the_same_button(button: Button) -> None:
    data = pack(button)
    assert len(data.encode()) <= MAX_BYTES
    assert parse(data) == button


@pytest.mark.parametrize(
    ("button", "data"),
    [(ToggleTopic("sports"), "t:sports"), (TopicsDone(), "t:done"),
     (SendBroadcast(7), "bc:send:7"), (DropBroadcast(7), "bc:drop:7"),
     (AddFeed("Ab3_-x9Z"), "fa:add:Ab3_-x9Z"), (DropFeed("Ab3_-x9Z"), "fa:drop:Ab3_-x9Z")],
)  # fmt: skip
def test_the_wire_format_is_the_one_keyboards_in_chats_already_carry(
    button: Button, data: str
) -> None:
    assert pack(button) == data


def test_every_catalog_topic_fits_on_a_button() -> None:
    for topic_id in Catalog.load(TEMPLATES / "topics.toml").ids():
        assert parse(pack(ToggleTopic(topic_id))) == ToggleTopic(topic_id)


@pytest.mark.parametrize(
    "data",
    ["", "t:", "t", "T:done", "t:done ", "t:روسيا", "t:a b", "t:a/b", "t:sports\n",
     "bc:send:", "bc:send:abc", "bc:send:-1", "bc:send:0", "bc:send:01", "bc:send:+1",
     "bc:send:1 ", "bc:send:1;bc:drop:1", "bc:send:1\n", "bc:kill:1", "bc:send:١",
     "bc:send:12345678901234567890", "bc:drop", "t:" + "x" * (MAX_BYTES - 1), "x" * 1000,
     "fa:add:", "fa:add:short", "fa:add:toolong12", "fa:add:abc/efgh", "fa:add:abcdefg ",
     "fa:drop:abcdéfgh", "fa:add:abcdefgh\n", "fa:keep:abcdefgh"],
)  # fmt: skip
def test_forged_or_garbage_data_parses_to_none(data: str) -> None:
    assert parse(data) is None


@pytest.mark.parametrize("data", [None, 7, b"t:done", ["t:done"], TopicsDone()], ids=repr)
def test_data_that_is_not_a_string_parses_to_none(data: object) -> None:
    assert parse(data) is None


@pytest.mark.parametrize(
    "button",
    [ToggleTopic("done"), ToggleTopic(""), ToggleTopic("a b"), ToggleTopic("x" * MAX_BYTES),
     SendBroadcast(0), SendBroadcast(-3), DropBroadcast(10**19), AddFeed("short"),
     DropFeed("a b c de")],
    ids=repr,
)  # fmt: skip
def test_pack_refuses_a_button_that_would_not_come_back_as_itself(button: Button) -> None:
    with pytest.raises(ValueError, match="cannot travel"):
        pack(button)


def test_a_pattern_takes_only_its_kinds() -> None:
    topics, broadcasts = pattern(ToggleTopic, TopicsDone), pattern(SendBroadcast, DropBroadcast)
    assert topics("t:sports") and topics("t:done")
    assert not topics("bc:send:1") and not topics("bc:send:x") and not topics(None)
    assert broadcasts("bc:send:1") and broadcasts("bc:drop:2")
    assert not broadcasts("t:done") and not broadcasts("bc:send:1 ")
