"""Parse functions that misbehave on cue, for ParserPool(target=...) in tests.

They run in the parser's worker process, which imports them by name: keep them at
module level, in this small module.
"""

from __future__ import annotations

import os
import resource
import signal
import time
from typing import Any

from bot.ingest.parse import ParsedFeed, parse_sync

CRASH = b"<crash/>"  # the worker kills itself as expat does on a deep entity chain
HANG = b"<hang/>"  # the worker never returns
SLOW = b"<slow/>"  # the worker takes 1.5 s, then parses nothing


def crash_or_parse(body: bytes, **options: Any) -> ParsedFeed:
    if body == CRASH:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file in the work tree
        os.kill(os.getpid(), signal.SIGSEGV)
    return parse_sync(body, **options)


def hang_or_parse(body: bytes, **options: Any) -> ParsedFeed:
    if body == HANG:
        time.sleep(3600)
    if body == SLOW:
        time.sleep(1.5)
    return parse_sync(body, **options)
