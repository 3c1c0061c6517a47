"""The topic catalog and the classifier that files articles under topics.

Keywords are data (templates/topics.toml). Matching runs once over normalized
text with an Aho-Corasick automaton; each hit is accepted only when what stands
around it in the same word is an Arabic proclitic before it (و ف ب ك ل ال and
their combinations) and, for keywords marked with a trailing `*`, a derivation
ending after it (nisba, plural, dual). That keeps باكو in وبباكو and rejects it
inside الباكوره.
"""

from __future__ import annotations

import itertools
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import ahocorasick

from bot.core.normalize import normalize

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
REPEAT_BONUS = 0.5
REPEAT_BONUS_CAP = 1.0
THRESHOLD = 3.0

_ARTICLE = "ال"
# conjunction + preposition + article, with ل + ال written لل
_PREFIXES = frozenset(
    conj + prep + art if not (prep == "ل" and art) else conj + "لل"
    for conj, prep, art in itertools.product(("", "و", "ف"), ("", "ب", "ك", "ل"), ("", _ARTICLE))
)
_ARTICLE_PREFIXES = frozenset(p for p in _PREFIXES if p.endswith(_ARTICLE) or p.endswith("لل"))
_AR_DERIVATIONS = frozenset(
    ("", "ي", "يه", "يون", "يين", "يان", "ه", "ون", "ين", "ان", "ات", "تان", "تين")
)
_EN_INFLECTIONS = frozenset(("", "s", "es"))
_EN_DERIVATIONS = _EN_INFLECTIONS | {"n", "ns", "an", "ans", "i", "is"}


@dataclass(frozen=True)
class Topic:
    id: str
    emoji: str
    names: Mapping[str, str]  # language -> display name
    keywords: tuple[str, ...]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True)
class Keyword:
    """A catalog keyword compiled for matching."""

    topic_id: str
    text: str  # as written in the catalog
    stem: str  # normalized, without a leading article
    needs_article: bool
    derivable: bool
    latin: bool

    def accepts(self, prefix: str, suffix: str) -> bool:
        if self.latin:
            return prefix == "" and suffix in (
                _EN_DERIVATIONS if self.derivable else _EN_INFLECTIONS
            )
        if prefix not in (_ARTICLE_PREFIXES if self.needs_article else _PREFIXES):
            return False
        return suffix == "" or (self.derivable and suffix in _AR_DERIVATIONS)


@dataclass(frozen=True)
class Hit:
    keyword: Keyword
    in_title: bool
    position: int


@dataclass
class Classification:
    scores: dict[str, float] = field(default_factory=dict)  # topics at or above the threshold
    hits: list[Hit] = field(default_factory=list)

    @property
    def topics(self) -> list[str]:
        return sorted(self.scores, key=lambda t: -self.scores[t])


class Catalog:
    """Topics in display order, found by id or by their Arabic or English name."""

    def __init__(self, topics: Iterable[Topic]) -> None:
        self.topics: tuple[Topic, ...] = tuple(topics)
        self._by_id = {t.id: t for t in self.topics}
        self._by_name: dict[str, Topic] = {}
        for topic in self.topics:
            for key in (topic.id, topic.id.replace("_", " "), *topic.names.values()):
                self._by_name[normalize(key)] = topic

    @classmethod
    def load(cls, path: Path) -> Catalog:
        with path.open("rb") as f:
            data = tomllib.load(f)
        return cls(
            Topic(
                id=entry["id"],
                emoji=entry["emoji"],
                names={"ar": entry["name_ar"], "en": entry["name_en"]},
                keywords=tuple(entry.get("keywords_ar", [])) + tuple(entry.get("keywords_en", [])),
            )
            for entry in data["topic"]
        )

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


def compile_keyword(topic_id: str, text: str) -> Keyword:
    derivable = text.endswith("*")
    stem = normalize(text.rstrip("*"))
    latin = stem[:1].isascii()
    needs_article = not latin and stem.startswith(_ARTICLE) and len(stem) > 4
    if needs_article:
        stem = stem[len(_ARTICLE) :]
    return Keyword(topic_id, text, stem, needs_article, derivable, latin)


class Classifier:
    """Scores a text against every topic in one pass over it."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        by_stem: dict[str, list[Keyword]] = defaultdict(list)
        for topic in catalog.topics:
            for text in topic.keywords:
                keyword = compile_keyword(topic.id, text)
                if keyword.stem:
                    by_stem[keyword.stem].append(keyword)
        self._automaton = ahocorasick.Automaton()
        for stem, keywords in by_stem.items():
            self._automaton.add_word(stem, (len(stem), tuple(keywords)))
        self._automaton.make_automaton()

    def hits(self, text: str, *, in_title: bool = False) -> list[Hit]:
        """Keyword hits in `text` whose surroundings within the word are allowed."""
        norm = normalize(text)
        found: list[Hit] = []
        for end, (length, keywords) in self._automaton.iter(norm):
            start = end - length + 1
            word_start = norm.rfind(" ", 0, start) + 1
            word_end = norm.find(" ", end + 1)
            prefix = norm[word_start:start]
            suffix = norm[end + 1 : word_end if word_end != -1 else len(norm)]
            found.extend(Hit(kw, in_title, start) for kw in keywords if kw.accepts(prefix, suffix))
        return found

    def classify(self, title: str, text: str) -> Classification:
        hits = self.hits(title, in_title=True) + self.hits(text)
        per_keyword: dict[tuple[str, str], list[Hit]] = defaultdict(list)
        for hit in hits:
            per_keyword[(hit.keyword.topic_id, hit.keyword.text)].append(hit)
        raw: dict[str, float] = defaultdict(float)
        for (topic_id, _), kw_hits in per_keyword.items():
            weight = TITLE_WEIGHT if any(h.in_title for h in kw_hits) else BODY_WEIGHT
            bonus = min(REPEAT_BONUS * (len(kw_hits) - 1), REPEAT_BONUS_CAP)
            raw[topic_id] += weight + bonus
        scores = {t: round(s, 2) for t, s in raw.items() if s >= THRESHOLD}
        return Classification(scores=scores, hits=hits)
