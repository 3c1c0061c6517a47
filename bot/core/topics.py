"""The classifier that files articles under the catalog's topics.

Keywords are data (templates/topics.toml, read by bot.core.catalog). Title and
text are normalized and scanned once each for every keyword of every topic
(bot.core.matcher). Scoring, per topic:

- each name (a keyword entry: all spellings of one name) counts once, with the
  weight of its best place: TITLE_WEIGHT in the headline, BODY_WEIGHT in the text;
- mentioning the same name again adds REPEAT_BONUS per mention, at most
  REPEAT_BONUS_CAP, so several names weigh more than one name repeated;
- a weak entry (`~`) counts half;
- a topic is assigned at its threshold (THRESHOLD unless the catalog says).

So one name in the headline is enough, one name in passing in the text is not,
and three different names in the text are. An article can have several topics.
A topic's rules can make some spellings not count in an article (Georgia with
Atlanta named is the US state), and a longer phrase shadows a keyword inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.core.catalog import THRESHOLD, Catalog, CatalogError, Rule, Topic, split_entry
from bot.core.matcher import Matcher
from bot.core.morphology import Form, SpellingError, compile_form
from bot.core.normalize import decode_normalized, normalize_bytes

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
    "Context",
    "Hit",
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


Match = tuple["Keyword | Context", int, int]  # (what, start, end) in padded normalized text


@dataclass
class Classification:
    scores: dict[str, float] = field(default_factory=dict)  # topics at or above the threshold
    raw: dict[str, float] = field(default_factory=dict)  # every topic with a counted hit
    ignored: list[Ignored] = field(default_factory=list)  # hits a rule set aside
    context: list[ContextHit] = field(default_factory=list)  # `not` and `when` phrases seen
    headline: set[str] = field(default_factory=set)  # topics with a counted hit in the title
    matches: tuple[list[Match], list[Match]] = field(default_factory=lambda: ([], []), repr=False)

    @property
    def topics(self) -> list[str]:
        return sorted(self.scores, key=lambda t: -self.scores[t])

    @property
    def hits(self) -> list[Hit]:
        """The keyword hits that counted, title first."""
        ignored = {(h.hit.in_title, h.hit.position) for h in self.ignored}
        return [
            Hit(value, in_title, start - 1, end - 1)
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Keyword) and (in_title, start - 1) not in ignored
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
        self._topic_of_entity: list[str] = []
        self._weight_of_entity: list[float] = []
        items: list[tuple[Form, Keyword | Context]] = []
        for topic in catalog.topics:
            by_spelling: dict[str, list[int]] = {}
            for entry in topic.keywords:
                spellings, weight = split_entry(entry)
                entity = len(self._topic_of_entity)
                self._topic_of_entity.append(topic.id)
                self._weight_of_entity.append(weight)
                # Spellings of one name that share a stem are one keyword, so that one
                # mention is one hit.
                forms: dict[bytes, Form] = {}
                written: dict[bytes, list[str]] = {}
                for spelling in spellings:
                    form = _compile(topic.id, spelling)
                    seen = forms.get(form.stem)
                    forms[form.stem] = seen.union(form) if seen else form
                    written.setdefault(form.stem, []).append(spelling)
                for stem, form in forms.items():
                    text = written[stem][0]
                    kw = Keyword(topic.id, text, entry, entity, weight, form, len(self.keywords))
                    self.keywords.append(kw)
                    for spelling in written[stem]:
                        by_spelling.setdefault(spelling, []).append(kw.id)
                    items.append((form, kw))
            for phrase in topic.not_phrases:
                items.append((_compile(topic.id, phrase), Context(topic.id, phrase, ())))
            for rule in topic.rules:
                number = len(self.rules)
                ignore = frozenset(i for s in rule.ignore for i in by_spelling[s])
                self.rules.append(CompiledRule(topic.id, rule, ignore))
                for phrase in rule.when:
                    items.append((_compile(topic.id, phrase), Context(topic.id, phrase, (number,))))
        self._matcher: Matcher[Keyword | Context] = Matcher(items)

    def hits(self, text: str, *, in_title: bool = False) -> list[Hit]:
        """Keyword hits in `text` whose surroundings within the word are allowed."""
        padded = b" " + normalize_bytes(text) + b" "
        return [
            Hit(value, in_title, start - 1, end - 1)
            for value, start, end in self._matcher.scan(padded)
            if isinstance(value, Keyword)
        ]

    def classify(self, title: str, text: str) -> Classification:
        return self._classify(
            b" " + normalize_bytes(title) + b" ", b" " + normalize_bytes(text) + b" "
        )

    def explain(self, title: str, text: str) -> Explanation:
        """The classification with the normalized text it was read from, for a person to check."""
        padded_title = b" " + normalize_bytes(title) + b" "
        padded_text = b" " + normalize_bytes(text) + b" "
        return Explanation(
            self,
            self._classify(padded_title, padded_text),
            decode_normalized(padded_title[1:-1]),
            decode_normalized(padded_text[1:-1]),
        )

    def _classify(self, title: bytes, text: bytes) -> Classification:
        scan = self._matcher.scan
        title_matches, text_matches = scan(title), scan(text)
        result = Classification(matches=(title_matches, text_matches))
        # The hot loop: best place and count per name; rules and context are rare.
        best: dict[int, float] = {}
        count: dict[int, int] = {}
        context = False
        for value, _, _ in title_matches:
            entity = value.entity
            if entity < 0:
                context = True
                continue
            best[entity] = TITLE_WEIGHT
            count[entity] = count.get(entity, 0) + 1
        for value, _, _ in text_matches:
            entity = value.entity
            if entity < 0:
                context = True
                continue
            if entity not in best:
                best[entity] = BODY_WEIGHT
            count[entity] = count.get(entity, 0) + 1
        if context and self._apply_context(result):
            best, count = self._tally(result.hits)
        raw = result.raw
        headline = result.headline
        for entity, place in best.items():
            topic_id = self._topic_of_entity[entity]
            bonus = min(REPEAT_BONUS * (count[entity] - 1), REPEAT_BONUS_CAP)
            raw[topic_id] = (
                raw.get(topic_id, 0.0) + (place + bonus) * self._weight_of_entity[entity]
            )
            if place == TITLE_WEIGHT:
                headline.add(topic_id)
        # A topic named only in the text must also hold its own against the leading
        # topic: a long article names many places in passing.
        floor = RELATIVE_SHARE * max(raw.values(), default=0.0)
        for topic_id, score in raw.items():
            raw[topic_id] = score = round(score, 2)
            if score >= self._threshold[topic_id] and (topic_id in headline or score >= floor):
                result.scores[topic_id] = score
        return result

    def _apply_context(self, result: Classification) -> bool:
        """Record context phrases and the hits their rules set aside; True if any were."""
        fired: set[int] = set()
        for in_title, matches in zip((True, False), result.matches, strict=True):
            for value, start, end in matches:
                if isinstance(value, Context):
                    result.context.append(ContextHit(value, in_title, start - 1, end - 1))
                    fired.update(value.rules)
        ignored: dict[int, int] = {}
        for number in sorted(fired, reverse=True):
            ignored.update(dict.fromkeys(self.rules[number].ignore, number))
        for in_title, matches in zip((True, False), result.matches, strict=True):
            for value, start, end in matches:
                if isinstance(value, Keyword) and value.id in ignored:
                    hit = Hit(value, in_title, start - 1, end - 1)
                    result.ignored.append(Ignored(hit, ignored[value.id]))
        return bool(result.ignored)

    @staticmethod
    def _tally(hits: Iterable[Hit]) -> tuple[dict[int, float], dict[int, int]]:
        best: dict[int, float] = {}
        count: dict[int, int] = {}
        for hit in hits:
            entity = hit.keyword.entity
            place = TITLE_WEIGHT if hit.in_title else BODY_WEIGHT
            best[entity] = max(best.get(entity, 0.0), place)
            count[entity] = count.get(entity, 0) + 1
        return best, count

    def entity_score(self, hits: Iterable[Hit]) -> dict[int, float]:
        """What each name contributed, by entity number (for explanations)."""
        best, count = self._tally(hits)
        return {
            e: (p + min(REPEAT_BONUS * (count[e] - 1), REPEAT_BONUS_CAP))
            * self._weight_of_entity[e]
            for e, p in best.items()
        }

    def threshold(self, topic_id: str) -> float:
        return self._threshold[topic_id]


@dataclass
class Explanation:
    classifier: Classifier
    result: Classification
    title: str  # normalized
    text: str  # normalized


def _compile(topic_id: str, spelling: str) -> Form:
    try:
        return compile_form(spelling)
    except SpellingError as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc
