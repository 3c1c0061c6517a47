"""The topic catalog: what each topic is about, read from templates/topics.toml.

A topic lists keyword entries, one per name it is known by. An entry holds the
spellings of that one name, Arabic and English, separated by `|`
("يريفان|ييريفان|Yerevan"): hits of different spellings of one name count as one
name mentioned again, not as more evidence. A leading `~` marks a weak entry
(half weight): a generic word that supports a topic but should not decide it
alone. Spelling syntax (`*`, the article) is in bot.core.morphology.

A topic's `theme` is its vocabulary rather than its names — what an article about
the economy or sport is written with (التضخم، الفائدة، مباراة، لقاح). Theme entries
are written like keywords and sorted into tiers of weight: `strong` (1: one in a
headline decides), `medium` (0.5) and `weak` (0.25). They count by accumulation,
each entry once, like names. `sections` are the words a feed uses for the topic in
an item's categories or a section's name («اقتصاد»، Sport): feed evidence.

`not` lists phrases that contain one of the topic's keywords but mean something
else («ولاية جورجيا»): the longer phrase wins, so the keyword inside it does not
count. A rule (`[[topic.rule]]`) makes some spellings (`ignore`) not count for the
topic where its conditions hold, all of those it gives:
- `when`: any of these phrases occurs in the article (Georgia where Atlanta is
  named is the US state);
- `near`: any of these phrases occurs within `within` words (default 2) of the
  hit, before or after it: only that hit is set aside («الجالية الأرمنية»، «دينامو
  تبليسي»، «Armenian-American»);
- `alone = true`: no other name of the topic counts in the article (an adjective
  such as "Georgian" with nothing else of the country is architecture, a language
  course abroad or a player's nationality);
and none of its `unless` phrases occurs in the article («منتخب»: a national team),
nor any `unless_near` word among the `within` words around the hit («نظيره
الأذربيجاني», "Armenian Prime Minister": a state acting, not an adjective). `ignore = ["*"]` is
every entry of the topic, names and theme. A top-level `[[rule]]` with `topics = [...]` is a rule of
each topic it lists (a club or a race named after a city is sport, whatever the
country).

Top-level `actors` are words that make the name next to them an actor of the story
(«وزير الخارجية التركي»، «منتخب مصر»، "Turkish foreign minister"): such a mention in
the text weighs more than a name in passing (bot.core.topics).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.normalize import normalize

THRESHOLD = 3.0
WEAK = "~"
SEPARATOR = "|"
NEAR_WITHIN = 2  # words: a `near` phrase next to the hit, or one word between
THEME_TIERS = {"strong": "", "medium": WEAK, "weak": WEAK * 2}


class CatalogError(ValueError):
    """The catalog file is malformed; the message names the topic and the field."""


@dataclass(frozen=True)
class Rule:
    """`ignore` spellings do not count for the topic where every condition given holds:
    a `when` phrase in the article, a `near` phrase within `within` words of the hit, no
    other name of the topic (`alone`); and no `unless` phrase is in the article, no
    `unless_near` phrase within `within` words of the hit."""

    ignore: tuple[str, ...]
    when: tuple[str, ...] = ()
    near: tuple[str, ...] = ()
    within: int = NEAR_WITHIN
    alone: bool = False
    unless: tuple[str, ...] = ()
    unless_near: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    id: str
    emoji: str
    names: Mapping[str, str]  # language -> display name
    keywords: tuple[str, ...]  # entries: "spelling|spelling", "~" in front if weak
    not_phrases: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    threshold: float = THRESHOLD
    theme: tuple[str, ...] = ()  # entries, "~" (0.5) or "~~" (0.25) in front by tier
    sections: tuple[str, ...] = ()  # how feeds name the topic in categories and sections
    aliases: tuple[str, ...] = ()  # the short, common names readers type (أوكرانيا، sport, tech)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]

    def spellings(self) -> list[str]:
        """Every spelling of every entry, names and theme, as written (with `*`, without `~`)."""
        return [s for entry in (*self.keywords, *self.theme) for s in split_entry(entry)[0]]


_ARTICLES = ("ال", "the ")


def _name_forms(name: str) -> set[str]:
    """A name normalized, with and without its article: الرياضة and رياضة, the gulf and gulf."""
    key = normalize(name)
    forms = {key}
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            forms.add(key[len(article) :])
    return forms


def split_entry(entry: str) -> tuple[list[str], float]:
    """The spellings of an entry and its weight: 1, 0.5 after `~`, 0.25 after `~~`."""
    text = entry.strip()
    weight = 1.0
    while text.startswith(WEAK):
        weight, text = weight / 2, text[len(WEAK) :]
    spellings = (s.strip().lstrip(WEAK).strip() for s in text.split(SEPARATOR))
    return [s for s in spellings if s], weight


_TOPIC_KEYS = frozenset(
    (
        "id",
        "emoji",
        "name_ar",
        "name_en",
        "keywords",
        "theme",
        "sections",
        "not",
        "rule",
        "threshold",
        "aliases",
    )
)
_RULE_KEYS = frozenset(("ignore", "when", "near", "within", "alone", "unless", "unless_near"))


ANY_NAME = "*"  # in a rule's `ignore`: every entry of the topic


class Catalog:
    """Topics in display order, found by id or by their Arabic or English name."""

    def __init__(self, topics: Iterable[Topic], actors: Iterable[str] = ()) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self.actors: tuple[str, ...] = tuple(actors)
        self._by_id = {t.id: t for t in self.topics}
        if len(self._by_id) != len(self.topics):
            raise CatalogError("two topics share an id")
        self._by_name: dict[str, Topic] = {}
        for topic in self.topics:
            for key in (topic.id, topic.id.replace("_", " "), *topic.names.values()):
                for form in _name_forms(key):
                    self._by_name[form] = topic
        for topic in self.topics:  # a topic's own names win over another's alias
            for key in topic.aliases:
                for form in _name_forms(key):
                    self._by_name.setdefault(form, topic)

    @classmethod
    def load(cls, path: Path) -> Catalog:
        with path.open("rb") as f:
            data = tomllib.load(f)
        unknown = set(data) - {"topic", "rule", "actors"}
        if unknown:
            raise CatalogError(f"unknown top-level field(s) {', '.join(sorted(unknown))}")
        entries = _list(data.get("topic", []))
        if not all(isinstance(entry, Mapping) for entry in entries):
            raise CatalogError("every [[topic]] is a table")
        topics = [_topic(entry) for entry in entries if isinstance(entry, Mapping)]
        shared: dict[str, list[Rule]] = {}
        for number, entry in enumerate(_list(data.get("rule", [])), 1):
            if not isinstance(entry, Mapping):
                raise CatalogError(f"top-level rule {number}: expected a table")
            try:
                ids = _strings(entry, "topics")
                rule = _rule({k: v for k, v in entry.items() if k != "topics"})
            except ValueError as exc:
                raise CatalogError(f"top-level rule {number}: {exc}") from exc
            known = {t.id for t in topics}
            if not ids or set(ids) - known:
                raise CatalogError(f"top-level rule {number}: unknown topic(s) in {list(ids)}")
            for topic_id in ids:
                shared.setdefault(topic_id, []).append(rule)
        topics = [
            _checked(replace(t, rules=(*t.rules, *shared[t.id]))) if t.id in shared else t
            for t in topics
        ]
        try:
            actors = _strings(data, "actors")
        except ValueError as exc:
            raise CatalogError(f"actors: {exc}") from exc
        if any(" " in normalize(a) for a in actors):
            raise CatalogError("actors: single words only")
        return cls(topics, actors)

    def __getitem__(self, topic_id: str) -> Topic:
        return self._by_id[topic_id]

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    def find(self, name: str) -> Topic | None:
        """The topic named by an id, an Arabic/English name or an alias, however it is
        typed: with or without the article (الرياضة، رياضة; the Gulf, Gulf)."""
        key = normalize(name)
        if not key:
            return None
        return self._by_name.get(key) or self._by_name.get(key.replace(" ", "_"))

    def names(self) -> dict[str, Topic]:
        """Every normalized name a topic is found by (for near-miss suggestions)."""
        return dict(self._by_name)

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
            theme=_theme(entry.get("theme", {})),
            sections=_strings(entry, "sections"),
            aliases=_strings(entry, "aliases"),
        )
    except (TypeError, ValueError) as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc
    if not topic.keywords and not topic.theme:
        raise CatalogError(f"topic {topic_id}: no keywords")
    return _checked(topic)


def _checked(topic: Topic) -> Topic:
    """The topic, once every spelling its rules ignore is one of its own."""
    known = {*topic.spellings(), ANY_NAME}
    for rule in topic.rules:
        missing = [s for s in rule.ignore if s not in known]
        if missing:
            raise CatalogError(f"topic {topic.id}: rule ignores unknown spelling(s) {missing}")
    return topic


def _theme(value: object) -> tuple[str, ...]:
    """Theme tiers as entries: `strong` as written, `medium` with `~`, `weak` with `~~`."""
    if not isinstance(value, Mapping) or set(value) - set(THEME_TIERS):
        raise ValueError("`theme` has `strong`, `medium` and `weak` lists only")
    return tuple(
        mark + entry.strip().lstrip(WEAK)
        for tier, mark in THEME_TIERS.items()
        for entry in _strings(value, tier)
    )


def _rule(entry: object) -> Rule:
    if not isinstance(entry, Mapping) or set(entry) - _RULE_KEYS:
        raise ValueError(f"a rule has only {', '.join(f'`{k}`' for k in sorted(_RULE_KEYS))}")
    alone = entry.get("alone", False)
    within = entry.get("within", NEAR_WITHIN)
    if not isinstance(alone, bool):
        raise ValueError("a rule's `alone` is true or false")
    if not isinstance(within, int) or isinstance(within, bool) or within < 1:
        raise ValueError("a rule's `within` is a number of words, 1 or more")
    rule = Rule(
        ignore=_strings(entry, "ignore"),
        when=_strings(entry, "when"),
        near=_strings(entry, "near"),
        within=within,
        alone=alone,
        unless=_strings(entry, "unless"),
        unless_near=_strings(entry, "unless_near"),
    )
    if not rule.ignore or not (rule.when or rule.near or rule.alone):
        raise ValueError("a rule needs `ignore` and a condition: `when`, `near` or `alone`")
    if rule.near and rule.alone:
        raise ValueError("a rule is either `near` or `alone`, not both")
    if any(" " in normalize(w) for w in rule.unless_near):
        raise ValueError("`unless_near` holds single words")
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
