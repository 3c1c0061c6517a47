"""What one `mujaz run` process does (issue 14): `all` of it, or one side of the data flow.

`ingest` fetches, parses, classifies and files stories: no Telegram, no lease, so several
may run (on PostgreSQL, on several hosts; they split the due feeds through
storage/feed_claims.py). `bot` answers chats, plans and delivers: everything but
ingestion, under the sender lease. `all` is both in one process, the single-host default.
"""

from __future__ import annotations

import argparse
from enum import StrEnum


class Role(StrEnum):
    ALL = "all"
    BOT = "bot"
    INGEST = "ingest"

    @property
    def ingests(self) -> bool:
        """Runs the feed pipeline (fetch, parse, classify, file) and article pruning."""
        return self is not Role.BOT

    @property
    def talks_to_telegram(self) -> bool:
        """Polls Telegram, plans and sends; holds the sender lease."""
        return self is not Role.INGEST


def parse_role(text: str) -> Role:
    """`--role`'s value; a junk one is argparse's one-line usage error, naming the choices."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        choices = ", ".join(r.value for r in Role)
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a role; choose one of {choices}"
        ) from None
