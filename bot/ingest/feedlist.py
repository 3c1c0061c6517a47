"""Feed lists from and to files: our TOML, or OPML as every feed reader imports and exports it.

A feed may declare the section it is: `topics = ["economy"]` in TOML, the
`category` attribute of an OPML outline ("/Economy,/Sport"). The labels are kept
as written; the feed manager turns them into topic ids (an id or a topic's name).
"""

from __future__ import annotations

import tomllib
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from bot.core.urls import is_web_url
from bot.errors import ConfigError


@dataclass(frozen=True)
class FeedSpec:
    url: str
    name: str | None = None
    site_url: str | None = None
    topics: tuple[str, ...] = ()  # the section the feed declares, as labels


class FeedListError(ValueError):
    """A file that is neither a TOML nor an OPML feed list."""


def load_feed_list(path: Path) -> list[FeedSpec]:
    """The feeds in a TOML or OPML file; ConfigError naming the file when it cannot be read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"FEEDS_FILE: cannot read {path}: {exc.strerror}") from None
    try:
        specs = parse_feed_list(raw)
    except FeedListError as exc:
        raise ConfigError(
            f"FEEDS_FILE: {path} is not a valid TOML or OPML feed list: {exc}"
        ) from None
    bad = [s.url for s in specs if not is_web_url(s.url)]
    if bad:
        raise ConfigError(f"FEEDS_FILE: not an http(s) address in {path}: {bad[0]}")
    return specs


def parse_feed_list(raw: bytes) -> list[FeedSpec]:
    """Every feed a TOML or OPML document lists, in order, each URL once (unchecked)."""
    try:
        specs = _opml(raw) if raw.lstrip().startswith(b"<") else _toml(raw)
    except (tomllib.TOMLDecodeError, ET.ParseError, UnicodeDecodeError, KeyError, TypeError) as exc:
        raise FeedListError(str(exc)) from None
    unique: dict[str, FeedSpec] = {}
    for spec in specs:
        unique.setdefault(spec.url, spec)
    return list(unique.values())


def to_opml(specs: Iterable[FeedSpec], *, title: str, created: datetime) -> str:
    """An OPML 2.0 document other feed readers import."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(created, usegmt=True)
    body = ET.SubElement(root, "body")
    for spec in specs:
        name = spec.name or spec.url
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": spec.url}
        if spec.site_url:
            attrs["htmlUrl"] = spec.site_url
        if spec.topics:
            attrs["category"] = ",".join(spec.topics)
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _toml(raw: bytes) -> list[FeedSpec]:
    data = tomllib.loads(raw.decode("utf-8"))
    return [
        FeedSpec(
            url=str(f["url"]).strip(),
            name=f.get("name"),
            site_url=f.get("site"),
            topics=_labels(f.get("topics", [])),
        )
        for f in data.get("feed", [])
    ]


def _labels(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError("a feed's `topics` is a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _categories(value: str) -> tuple[str, ...]:
    """OPML's category: comma-separated, each a slash path ("/News/Economy"): its last part."""
    return tuple(
        part for c in value.split(",") if (part := c.strip().strip("/").rsplit("/", 1)[-1].strip())
    )


def _opml(raw: bytes) -> list[FeedSpec]:
    root = ET.fromstring(raw)
    return [
        FeedSpec(
            url=o.attrib["xmlUrl"].strip(),
            name=o.attrib.get("title") or o.attrib.get("text") or None,
            site_url=o.attrib.get("htmlUrl") or None,
            topics=_categories(o.attrib.get("category", "")),
        )
        for o in root.iter("outline")
        if o.attrib.get("xmlUrl", "").strip()
    ]
