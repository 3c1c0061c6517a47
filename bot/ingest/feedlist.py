"""Feed lists from files: our TOML, or OPML as every feed reader exports it."""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bot.core.urls import is_web_url
from bot.errors import ConfigError


@dataclass(frozen=True)
class FeedSpec:
    url: str
    name: str | None = None


def load_feed_list(path: Path) -> list[FeedSpec]:
    """The feeds in a TOML or OPML file; ConfigError naming the file when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"FEEDS_FILE: cannot read {path}: {exc.strerror}") from None
    try:
        specs = _opml(raw) if raw.lstrip().startswith(b"<") else _toml(raw)
    except (tomllib.TOMLDecodeError, ET.ParseError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"FEEDS_FILE: {path} is not a valid TOML or OPML feed list: {exc}"
        ) from None
    bad = [s.url for s in specs if not is_web_url(s.url)]
    if bad:
        raise ConfigError(f"FEEDS_FILE: not an http(s) address in {path}: {bad[0]}")
    return specs


def _toml(raw: bytes) -> list[FeedSpec]:
    data = tomllib.loads(raw.decode("utf-8"))
    return [FeedSpec(url=f["url"], name=f.get("name")) for f in data.get("feed", [])]


def _opml(raw: bytes) -> list[FeedSpec]:
    root = ET.fromstring(raw)
    return [
        FeedSpec(url=o.attrib["xmlUrl"], name=o.attrib.get("title") or o.attrib.get("text"))
        for o in root.iter("outline")
        if o.attrib.get("xmlUrl")
    ]
