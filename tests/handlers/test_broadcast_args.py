"""Reading /broadcast: the topic, a text or a message to copy, and the HTML check."""

from __future__ import annotations

import pytest

from bot.core.html_check import HtmlProblem
from bot.delivery.broadcast import NewBroadcast
from handlers.broadcast_args import BroadcastArgs, parse_broadcast


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("/broadcast <b>تنبيه</b>: موعد الموجز تغيّر",
         BroadcastArgs(text="<b>تنبيه</b>: موعد الموجز تغيّر")),
        ("/broadcast topic:south_caucasus قمة في باكو",
         BroadcastArgs("south_caucasus", text="قمة في باكو")),
        ("/broadcast@MujazBot   topic:sports\n  <i>هدف</i>\n",
         BroadcastArgs("sports", text="<i>هدف</i>\n")),
        ("/broadcast topic:mars", BroadcastArgs("mars")),
        ("/broadcast topic:", BroadcastArgs("")),
        ("/broadcast topic:\n<b>x</b>", BroadcastArgs("", text="<b>x</b>")),
        ("/broadcast", BroadcastArgs()),
        ("/broadcast    \n ", BroadcastArgs()),
        ("/broadcast نص فيه topic:sports", BroadcastArgs(text="نص فيه topic:sports")),
    ],
)  # fmt: skip
def test_a_text_broadcast(command: str, args: BroadcastArgs) -> None:
    assert parse_broadcast(command, reply_to=None) == args


def test_a_reply_copies_the_message_and_ignores_any_text() -> None:
    assert parse_broadcast("/broadcast", reply_to=77) == BroadcastArgs(copy_of=77)
    assert parse_broadcast("/broadcast topic:iran <div>", reply_to=77) == BroadcastArgs(
        "iran", copy_of=77
    )


@pytest.mark.parametrize(
    ("command", "problem"),
    [("/broadcast <div>x</div>", HtmlProblem("tag", "div")),
     ("/broadcast <b>عاجل", HtmlProblem("unclosed", "b")),
     ("/broadcast قط & كلب", HtmlProblem("entity", "&"))],
)  # fmt: skip
def test_html_telegram_would_refuse_is_named(command: str, problem: HtmlProblem) -> None:
    args = parse_broadcast(command, reply_to=None)
    assert args.problem == problem and not args.empty


def test_nothing_to_send_is_empty() -> None:
    assert parse_broadcast("/broadcast topic:sports", reply_to=None).empty
    assert not parse_broadcast("/broadcast x", reply_to=None).empty
    assert not parse_broadcast("/broadcast", reply_to=5).empty


@pytest.mark.parametrize(("text", "copy_of"), [(None, None), ("<b>x</b>", 5)])
def test_a_new_broadcast_is_a_text_or_a_copy_never_both_or_neither(
    text: str | None, copy_of: int | None
) -> None:
    with pytest.raises(ValueError, match="either a text or a copy"):
        NewBroadcast(created_by=1, admin_chat_id=1, language="ar", text=text, copy_of=copy_of)
