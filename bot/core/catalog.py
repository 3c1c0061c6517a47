"""The topic catalog: what each topic is about, read from templates/topics.toml.

A topic lists keyword entries, one per name it is known by. An entry holds the
spellings of that one name, Arabic and English, separated by `|`
("يريفان|ييريفان|Yerevan"): hits of different spellings of one name count as one
name mentioned again, not as more evidence. A leading `~` marks a weak entry
(half weight): a generic word that supports a topic but should not decide it
alone. Spelling syntax (`*`, the article) is in bot.core.morphology.

`not` lists phrases that contain one of the topic's keywords but mean something
else («ولاية جورجيا»): the longer phrase wins, so the keyword inside it does not
count. A rule (`[[topic.rule]]`) makes some spellings not count for the topic in
an article where any of its `when` phrases occurs (Georgia where Atlanta is
named is the US state).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.core.normalize import normalize

THRESHOLD = 3.0
WEAK = "~"
SEPARATOR = "|"


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the topic and the field."""


@dataclass(frozen=True)
class Rule:
    """`ignore` spellings do not count for the topic when any `when` phrase is in the article."""

    ignore: tuple[str, ...]
    when: tuple[str, ...]


@dataclass(frozen=True)
class Topic:
    id: str
    emoji: str
    names: Mapping[str, str]  # language -> display name
    keywords: tuple[str, ...]  # entries: "spelling|spelling", "~" in front if weak
    not_phrases: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    threshold: float = THRESHOLD

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def spellings(self) -> list[str]:
        """Every spelling of every entry, as written (with `*`, without `~`)."""
        return [s for entry in self.keywords for s in split_entry(entry)[0]]


def split_entry(entry: str) -> tuple[list[str], float]:
    """The spellings of an entry and its weight (1, or 0.5 for a weak entry)."""
    text = entry.strip()
    weight = 1.0
    if text.startswith(WEAK):
        weight, text = 0.5, text[len(WEAK) :]
    spellings = (s.strip().removeprefix(WEAK).strip() for s in text.split(SEPARATOR))
    return [s for s in spellings if s], weight


_TOPIC_KEYS = frozenset(
    ("id", "emoji", "name_ar", "name_en", "keywords", "not", "rule", "threshold")
)


class Catalog:
    """Topics in display order, found by id or by their Arabic or English name."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self._by_id = {t.id: t for t in self.topics}
        if len(self._by_id) != len(self.topics):
            raise CatalogError("two topics share an id")
        self._by_name: dict[str, Topic] = {}
        for topic in self.topics:
            for key in (topic.id, topic.id.replace("_", " "), *topic.names.values()):
                self._by_name[normalize(key)] = topic

    @classmethod
    def load(cls, path: Path) -> Catalog:
        with path.open("rb") as f:
            data = tomllib.load(f)
        return cls(_topic(entry) for entry in data.get("topic", []))

    def __getitem__(self, topic_id: str) -> Topic:
        return self._by_id[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def find(self, name: str) -> Topic | None:
        """The topic named by an id or an Arabic/English name, however it is typed."""
        key = normalize(name)
        return self._by_name.get(key) or self._by_name.get(key.replace(" ", "_"))

    def ids(self) -> list[str]:
        return [t.id for t in self.topics]


def _topic(entry: Mapping[str, object]) -> Topic:
    topic_id = str(entry.get("id", "?"))
    unknown = set(entry) - _TOPIC_KEYS
    if unknown:
        raise CatalogError(f"topic {topic_id}: unknown field(s) {', '.join(sorted(unknown))}")
    try:
        keywords = _strings(entry, "keywords")
        rules = tuple(_rule(r) for r in _list(entry.get("rule", [])))
        topic = Topic(
            id=_required(entry, "id"),
            emoji=_required(entry, "emoji"),
            names={"ar": _required(entry, "name_ar"), "en": _required(entry, "name_en")},
            keywords=keywords,
            not_phrases=_strings(entry, "not"),
            rules=rules,
            threshold=_number(entry, "threshold", THRESHOLD),
        )
    except (TypeError, ValueError) as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc
    if not topic.keywords:
        raise CatalogError(f"topic {topic_id}: no keywords")
    known = set(topic.spellings())
    for rule in topic.rules:
        missing = [s for s in rule.ignore if s not in known]
        if missing:
            raise CatalogError(f"topic {topic_id}: rule ignores unknown spelling(s) {missing}")
    return topic


def _rule(entry: object) -> Rule:
    if not isinstance(entry, Mapping) or set(entry) - {"ignore", "when"}:
        raise ValueError("a rule has `ignore` and `when` lists only")
    rule = Rule(ignore=_strings(entry, "ignore"), when=_strings(entry, "when"))
    if not rule.ignore or not rule.when:
        raise ValueError("a rule needs both `ignore` and `when`")
    return rule


def _required(entry: Mapping[str, object], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{key}` must be a non-empty string")
    return value


def _number(entry: Mapping[str, object], key: str, default: float) -> float:
    value = entry.get(key, default)
    if not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"`{key}` must be a positive number")
    return float(value)


def _strings(entry: Mapping[str, object], key: str) -> tuple[str, ...]:
    values = _list(entry.get(key, []))
    if not all(isinstance(v, str) for v in values):
        raise ValueError(f"`{key}` must be a list of strings")
    return tuple(str(v) for v in values)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return value
