"""What `/broadcast` asks for, read from the command's text: plain values in, plain values out.

`/broadcast [topic:ID] <Telegram HTML>`, or `/broadcast [topic:ID]` as a reply to the
message to copy (then any text after the command is ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.html_check import HtmlProblem, html_problem

_TOPIC = re.compile(r"topic:(\S*)\s*")


@dataclass(frozen=True)
class BroadcastArgs:
    topic: str | None = None  # as typed after "topic:" ("" when nothing was); the catalog decides
    text: str | None = None  # the HTML to send, when not copying
    copy_of: int | None = None  # the replied-to message, to copy as it is
    problem: HtmlProblem | None = None  # why Telegram would refuse `text`

    @property
    def empty(self) -> bool:
        """Neither a text nor a message to copy: the admin needs the usage."""
        return self.text is None and self.copy_of is None


def parse_broadcast(command: str, *, reply_to: int | None) -> BroadcastArgs:
    """The command's text (with `/broadcast` itself) and the message it replies to, if any."""
    parts = command.split(maxsplit=1)
    body = parts[1] if len(parts) > 1 else ""
    topic = None
    found = _TOPIC.match(body)
    if found is not None:
        topic, body = found.group(1), body[found.end() :]
    if reply_to is not None:
        return BroadcastArgs(topic, copy_of=reply_to)
    if not body.strip():
        return BroadcastArgs(topic)
    return BroadcastArgs(topic, text=body, problem=html_problem(body))
