"""The classifier that files articles under the catalog's topics.

Keywords are data (templates/topics.toml, read by bot.core.catalog). Title and
text are normalized and scanned once each for every keyword of every topic
(bot.core.matcher). Scoring, per topic:

- each name (a keyword entry: all spellings of one name) counts once, with the
  weight of its best place: TITLE_WEIGHT in the headline, BODY_WEIGHT in the text;
- mentioning the same name again adds REPEAT_BONUS per mention, at most
  REPEAT_BONUS_CAP, so several names weigh more than one name repeated;
- a weak entry (`~`) counts half;
- a topic is assigned at its threshold (THRESHOLD unless the catalog says), and a
  topic named only in the text must also reach RELATIVE_SHARE of the leading
  topic's score: a long article names many places in passing.

So one name in the headline is enough, one name in passing in the text is not,
and three different names in the text are. An article can have several topics.
A topic's rules can make some spellings not count in an article (Georgia with
Atlanta named is the US state), and a longer phrase shadows a keyword inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from bot.core.catalog import THRESHOLD, Catalog, CatalogError, Rule, Topic, split_entry
from bot.core.matcher import Matcher
from bot.core.morphology import Form, SpellingError, compile_form
from bot.core.normalize import normalize_bytes

__all__ = [
    "BODY_WEIGHT",
    "RELATIVE_SHARE",
    "REPEAT_BONUS",
    "REPEAT_BONUS_CAP",
    "THRESHOLD",
    "TITLE_WEIGHT",
    "Catalog",
    "CatalogError",
    "Classification",
    "Classifier",
    "CompiledRule",
    "Context",
    "ContextHit",
    "Hit",
    "Ignored",
    "Keyword",
    "Rule",
    "Topic",
    "compile_keyword",
]

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
REPEAT_BONUS = 0.5
REPEAT_BONUS_CAP = 1.0
RELATIVE_SHARE = 0.25


@dataclass(frozen=True, slots=True, eq=False)
class Keyword:
    """One spelling of a topic's keyword entry, compiled for matching."""

    topic_id: str
    text: str  # the spelling as written in the catalog, e.g. "أذربيجان*"
    entry: str  # the whole entry it belongs to, e.g. "أذربيجان*|أذري*|Azerbaijan*"
    entity: int  # one number per entry across the catalog: the unit of scoring
    weight: float
    form: Form
    id: int = -1  # index in Classifier.keywords


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    """A phrase that is no topic's evidence: it shadows shorter keywords and fires rules."""

    topic_id: str
    text: str
    rules: tuple[int, ...]  # indexes in Classifier.rules; empty for a `not` phrase
    entity: int = -1  # not a name of any topic
    id: int = -1  # not a keyword


class Hit(NamedTuple):
    keyword: Keyword
    in_title: bool
    position: int  # offset of the stem in the normalized title or text
    end: int


class Ignored(NamedTuple):
    hit: Hit
    rule: int  # index in Classifier.rules


class ContextHit(NamedTuple):
    context: Context
    in_title: bool
    position: int
    end: int


Match = tuple[Keyword | Context, int, int]  # (what, start, end) in padded normalized text
_NO_RULES: dict[int, int] = {}


@dataclass(slots=True)
class Classification:
    """Topics and scores, with the matches they came from (detail is computed on demand)."""

    scores: dict[str, float]  # topics assigned
    raw: dict[str, float]  # every topic with a counted hit
    headline: set[str]  # topics with a counted hit in the title
    matches: tuple[list[Match], list[Match]]  # title, text
    ignored_ids: dict[int, int]  # keyword id -> the rule that set it aside in this article

    @property
    def topics(self) -> list[str]:
        return sorted(self.scores, key=lambda t: -self.scores[t])

    @property
    def hits(self) -> list[Hit]:
        """The keyword hits that counted, title first."""
        return [
            Hit(value, in_title, start - 1, end - 1)
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Keyword) and value.id not in self.ignored_ids
        ]

    @property
    def ignored(self) -> list[Ignored]:
        """Hits a rule set aside, with the rule."""
        return [
            Ignored(Hit(value, in_title, start - 1, end - 1), self.ignored_ids[value.id])
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Keyword) and value.id in self.ignored_ids
        ]

    @property
    def context(self) -> list[ContextHit]:
        """The `not` and `when` phrases seen."""
        return [
            ContextHit(value, in_title, start - 1, end - 1)
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Context)
        ]


@dataclass(frozen=True)
class CompiledRule:
    topic_id: str
    rule: Rule
    ignore: frozenset[int]  # keyword ids


def compile_keyword(topic_id: str, text: str, *, entity: int = 0, weight: float = 1.0) -> Keyword:
    """Compile one spelling (with `*` for derivations) as a keyword of `topic_id`."""
    return Keyword(topic_id, text, text, entity, weight, compile_form(text))


class Classifier:
    """Scores a text against every topic in one pass over it."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.keywords: list[Keyword] = []
        self.rules: list[CompiledRule] = []
        self._threshold = {t.id: t.threshold for t in catalog.topics}
        self._entities: list[tuple[str, float]] = []  # entity -> (topic id, weight)
        items: list[tuple[Form, Keyword | Context]] = []
        for topic in catalog.topics:
            by_spelling: dict[str, list[int]] = {}
            for entry in topic.keywords:
                for keyword in self._compile_entry(topic.id, entry):
                    items.append((keyword.form, keyword))
                    for spelling in keyword.form.spelling.split("|"):
                        by_spelling.setdefault(spelling, []).append(keyword.id)
            for phrase in topic.not_phrases:
                items.append((_compile(topic.id, phrase), Context(topic.id, phrase, ())))
            for rule in topic.rules:
                number = len(self.rules)
                ignore = frozenset(i for s in rule.ignore for i in by_spelling[s])
                self.rules.append(CompiledRule(topic.id, rule, ignore))
                for phrase in rule.when:
                    items.append((_compile(topic.id, phrase), Context(topic.id, phrase, (number,))))
        self._matcher: Matcher[Keyword | Context] = Matcher(items)
        self._ruled = frozenset(i for rule in self.rules for i in rule.ignore)
        self._ignored_cache: dict[tuple[int, ...], dict[int, int]] = {}

    def _compile_entry(self, topic_id: str, entry: str) -> list[Keyword]:
        spellings, weight = split_entry(entry)
        entity = len(self._entities)
        self._entities.append((topic_id, weight))
        # Spellings of one name that share a stem are one keyword: one mention, one hit.
        forms: dict[bytes, Form] = {}
        for spelling in spellings:
            form = _compile(topic_id, spelling)
            seen = forms.get(form.stem)
            forms[form.stem] = seen.union(form) if seen else form
        keywords = []
        for form in forms.values():
            text = form.spelling.split("|")[0]
            keyword = Keyword(topic_id, text, entry, entity, weight, form, len(self.keywords))
            self.keywords.append(keyword)
            keywords.append(keyword)
        return keywords

    def hits(self, text: str, *, in_title: bool = False) -> list[Hit]:
        """Keyword hits in `text` whose surroundings within the word are allowed."""
        padded = b" " + normalize_bytes(text) + b" "
        return [
            Hit(value, in_title, start - 1, end - 1)
            for value, start, end in self._matcher.scan(padded)
            if isinstance(value, Keyword)
        ]

    def classify(self, title: str, text: str) -> Classification:
        return self.classify_normalized(
            b" " + normalize_bytes(title) + b" ", b" " + normalize_bytes(text) + b" "
        )

    def classify_normalized(self, title: bytes, text: bytes) -> Classification:
        """Classify title and text already normalized by `normalize_bytes`, padded with a space."""
        scan = self._matcher.scan
        matches = (scan(title), scan(text))
        best, count, fired, deferred = _tally(matches, self._ruled)
        ignored = _NO_RULES
        if fired:  # a rule's phrase is in the article
            ignored = self._ignored(fired)
        for keyword, in_title in deferred:  # hits a rule could set aside
            if keyword.id not in ignored:
                _count(best, count, keyword.entity, TITLE_WEIGHT if in_title else BODY_WEIGHT)
        raw: dict[str, float] = {}
        headline: set[str] = set()
        entities = self._entities
        for entity, place in best.items():
            topic_id, weight = entities[entity]
            bonus = REPEAT_BONUS * (count[entity] - 1)
            if bonus > REPEAT_BONUS_CAP:
                bonus = REPEAT_BONUS_CAP
            raw[topic_id] = raw.get(topic_id, 0.0) + (place + bonus) * weight
            if place == TITLE_WEIGHT:
                headline.add(topic_id)
        scores: dict[str, float] = {}
        floor = RELATIVE_SHARE * max(raw.values(), default=0.0)
        thresholds = self._threshold
        for topic_id, score in raw.items():
            raw[topic_id] = score = round(score, 2)
            if score >= thresholds[topic_id] and (topic_id in headline or score >= floor):
                scores[topic_id] = score
        return Classification(scores, raw, headline, matches, ignored)

    def _ignored(self, fired: list[int]) -> dict[int, int]:
        """Keyword id -> rule, for the rules whose phrases were seen (the first rule wins)."""
        key = tuple(sorted(set(fired)))
        ignored = self._ignored_cache.get(key)
        if ignored is None:
            ignored = {}
            for number in reversed(key):
                ignored.update(dict.fromkeys(self.rules[number].ignore, number))
            if len(self._ignored_cache) < 1024:
                self._ignored_cache[key] = ignored
        return ignored

    def threshold(self, topic_id: str) -> float:
        return self._threshold[topic_id]

    def entity_scores(self, hits: list[Hit]) -> dict[int, float]:
        """What each name contributed, by entity number (for explanations)."""
        best: dict[int, float] = {}
        count: dict[int, int] = {}
        for hit in hits:
            entity = hit.keyword.entity
            best[entity] = max(best.get(entity, 0.0), TITLE_WEIGHT if hit.in_title else BODY_WEIGHT)
            count[entity] = count.get(entity, 0) + 1
        return {
            e: (p + min(REPEAT_BONUS * (count[e] - 1), REPEAT_BONUS_CAP)) * self._entities[e][1]
            for e, p in best.items()
        }


def _tally(
    matches: tuple[list[Match], list[Match]], ruled: frozenset[int]
) -> tuple[dict[int, float], dict[int, int], list[int], list[tuple[Keyword, bool]]]:
    """Best place and count per name; the rules whose phrases were seen; the hits some
    rule could set aside, left for later. The hot loop of classification."""
    best: dict[int, float] = {}
    count: dict[int, int] = {}
    fired: list[int] = []
    deferred: list[tuple[Keyword, bool]] = []
    title, text = matches
    how_many = count.get
    for value, _, _ in title:
        entity = value.entity
        if entity < 0:
            if isinstance(value, Context):
                fired.extend(value.rules)
        elif value.id in ruled:
            deferred.append((value, True))  # type: ignore[arg-type]  # entity >= 0: a Keyword
        else:
            best[entity] = TITLE_WEIGHT
            count[entity] = how_many(entity, 0) + 1
    for value, _, _ in text:
        entity = value.entity
        if entity < 0:
            if isinstance(value, Context):
                fired.extend(value.rules)
        elif value.id in ruled:
            deferred.append((value, False))  # type: ignore[arg-type]
        elif entity in count:
            count[entity] += 1
        else:
            best[entity] = BODY_WEIGHT
            count[entity] = 1
    return best, count, fired, deferred


def _count(best: dict[int, float], count: dict[int, int], entity: int, place: float) -> None:
    if best.get(entity, 0.0) < place:
        best[entity] = place
    count[entity] = count.get(entity, 0) + 1


def _compile(topic_id: str, spelling: str) -> Form:
    try:
        return compile_form(spelling)
    except SpellingError as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc
