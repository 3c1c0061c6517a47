"""The classifier that files articles under the catalog's topics.

Keywords are data (templates/topics.toml, read by bot.core.catalog). Title and
text are normalized and scanned once each by two automata (bot.core.matcher):
one for the topics' names, one for their theme vocabulary, so a name never hides
a theme word inside it (البنك المركزي الروسي is Russia's and the economy's).
Scoring, per topic:

- each entry (a name with all its spellings, or a theme word with its forms)
  counts once, with the weight of its best place: TITLE_WEIGHT in the headline,
  BODY_WEIGHT in the text, times the entry's weight (1, 0.5 weak or medium theme,
  0.25 weak theme);
- a name in the text next to an actor word of the catalog («وزير الخارجية التركي»،
  «منتخب مصر») weighs ACTOR_WEIGHT: the country acts in the story;
- mentioning the same entry again adds REPEAT_BONUS per mention, at most
  REPEAT_BONUS_CAP, so several entries weigh more than one entry repeated;
- evidence from the feed (an item's categories, a section feed's topics) adds
  CATEGORY_BONUS or SECTION_BONUS to a topic the text already supports: it tips a
  borderline item, it never files an item under a topic its text does not touch;
- a topic is assigned at its threshold (THRESHOLD unless the catalog says), and a
  topic with neither a headline hit nor feed evidence must also reach
  RELATIVE_SHARE of the leading topic's score: a long article names many places
  in passing.

So one name or strong theme word in the headline is enough, one in passing in the
text is not, and three different ones in the text are. An article can have
several topics. A topic's rules set some of its hits aside (bot.core.rules), and
a longer phrase shadows a keyword inside it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.core.catalog import ANY_NAME, THRESHOLD, Catalog, CatalogError, Rule, Topic, split_entry
from bot.core.matcher import Matcher
from bot.core.morphology import Form, SpellingError, compile_form, theme_forms
from bot.core.normalize import normalize_bytes
from bot.core.rules import (
    ACTOR,
    NEAR,
    NOT,
    UNLESS,
    UNLESS_NEAR,
    WHEN,
    CompiledRule,
    Context,
    RuleBook,
    within_words,
)

__all__ = [
    "ACTOR_WEIGHT",
    "BODY_WEIGHT",
    "CATEGORY_BONUS",
    "RELATIVE_SHARE",
    "REPEAT_BONUS",
    "REPEAT_BONUS_CAP",
    "SECTION_BONUS",
    "THRESHOLD",
    "TITLE_WEIGHT",
    "Catalog",
    "CatalogError",
    "Classification",
    "Classifier",
    "CompiledRule",
    "Context",
    "ContextHit",
    "FeedEvidence",
    "Hit",
    "Ignored",
    "Keyword",
    "Rule",
    "Topic",
    "compile_keyword",
]

TITLE_WEIGHT = 3.0
BODY_WEIGHT = 1.0
ACTOR_WEIGHT = 2.0
ACTOR_WITHIN = 2  # words between an actor word and the name, either side
REPEAT_BONUS = 0.5
REPEAT_BONUS_CAP = 1.0
RELATIVE_SHARE = 0.25
CATEGORY_BONUS = 2.0  # the item's own <category> names the topic
SECTION_BONUS = 1.5  # the feed is a section of the topic (feed list, OPML, --topics)


@dataclass(frozen=True, slots=True, eq=False)
class Keyword:
    """One spelling of a topic's entry, compiled for matching."""

    topic_id: str
    text: str  # the spelling as written in the catalog, e.g. "أذربيجان*"
    entry: str  # the whole entry it belongs to, e.g. "أذربيجان*|أذري*|Azerbaijan*"
    entity: int  # one number per entry across the catalog: the unit of scoring
    weight: float
    form: Form
    id: int = -1  # index in Classifier.keywords
    theme: bool = False  # a theme word, not a name


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


@dataclass(frozen=True)
class FeedEvidence:
    """What the feed says about an item: its section's topics and the item's own tags."""

    topics: frozenset[str] = frozenset()  # the feed's declared topics
    categories: tuple[str, ...] = ()  # the item's <category> / dc:subject values

    def __bool__(self) -> bool:
        return bool(self.topics or self.categories)


Match = tuple[Keyword | Context, int, int]  # (what, start, end) in padded normalized text
_NO_IGNORED: dict[tuple[bool, int], int] = {}


@dataclass(slots=True)
class Classification:
    """Topics and scores, with the matches they came from (detail is computed on demand)."""

    scores: dict[str, float]  # topics assigned
    raw: dict[str, float]  # every topic with a counted hit (feed bonus included)
    headline: set[str]  # topics with a counted hit in the title
    matches: tuple[list[Match], list[Match]]  # title, text
    ignored_hits: dict[tuple[bool, int], int]  # (in title, start) -> the rule that set it aside
    feed: dict[str, float] = field(default_factory=dict)  # topic -> bonus from feed evidence

    @property
    def topics(self) -> list[str]:
        return sorted(self.scores, key=lambda t: -self.scores[t])

    def _keyword_hits(self) -> Iterable[tuple[Hit, int | None]]:
        for in_title, matches in zip((True, False), self.matches, strict=True):
            for value, start, end in matches:
                if isinstance(value, Keyword):
                    rule = self.ignored_hits.get((in_title, start))
                    yield Hit(value, in_title, start - 1, end - 1), rule

    @property
    def hits(self) -> list[Hit]:
        """The keyword hits that counted, title first."""
        return [hit for hit, rule in self._keyword_hits() if rule is None]

    @property
    def ignored(self) -> list[Ignored]:
        """Hits a rule set aside, with the rule."""
        return [Ignored(hit, rule) for hit, rule in self._keyword_hits() if rule is not None]

    @property
    def context(self) -> list[ContextHit]:
        """The `not`, `when`, `near` and `unless` phrases seen."""
        return [
            ContextHit(value, in_title, start - 1, end - 1)
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Context)
        ]


def compile_keyword(topic_id: str, text: str, *, entity: int = 0, weight: float = 1.0) -> Keyword:
    """Compile one spelling (with `*` for derivations) as a keyword of `topic_id`."""
    return Keyword(topic_id, text, text, entity, weight, compile_form(text))


class Classifier:
    """Scores a text against every topic in one pass over it."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.keywords: list[Keyword] = []
        self._threshold = {t.id: t.threshold for t in catalog.topics}
        self._entities: list[tuple[str, float]] = []  # entity -> (topic id, weight)
        self._theme_entities: set[int] = set()
        names: list[tuple[Form, Keyword | Context]] = []
        themes: list[tuple[Form, Keyword | Context]] = []
        shadows: list[tuple[Form, Keyword | Context]] = []
        sections: list[tuple[Form, str]] = []
        by_topic: dict[str, dict[str, list[int]]] = {}
        for topic in catalog.topics:
            by_spelling = by_topic.setdefault(topic.id, {})
            for entries, theme, items in ((topic.keywords, False, names), (topic.theme, True, themes)):
                for entry in entries:
                    for keyword in self._compile_entry(topic.id, entry, theme=theme):
                        items.append((keyword.form, keyword))
                        for spelling in keyword.form.spelling.split("|"):
                            by_spelling.setdefault(spelling, []).append(keyword.id)
            by_spelling[ANY_NAME] = [k.id for k in self.keywords if k.topic_id == topic.id]
            for phrase in topic.not_phrases:
                shadows.append((_compile(topic.id, phrase), Context(topic.id, phrase, (), NOT)))
            for label in (*topic.sections, *topic.names.values(), topic.id.replace("_", " ")):
                sections.append((_compile(topic.id, label), topic.id))
        self.rulebook = RuleBook()
        entity_of = {k.id: k.entity for k in self.keywords}
        for topic in catalog.topics:
            for rule in topic.rules:
                number = self.rulebook.add(topic.id, rule, by_topic[topic.id], entity_of)
                for role, phrases in (
                    (WHEN, rule.when),
                    (NEAR, rule.near),
                    (UNLESS, rule.unless),
                    (UNLESS_NEAR, rule.unless_near),
                ):
                    for phrase in phrases:
                        context = Context(topic.id, phrase, (number,), role)
                        names.append((_compile(topic.id, phrase), context))
        self.rules = self.rulebook.rules
        for phrase in catalog.actors:
            names.append((_compile("actors", phrase), Context("", phrase, (), ACTOR)))
        self._names: Matcher[Keyword | Context] = Matcher(names + shadows)
        self._themes: Matcher[Keyword | Context] | None = (
            Matcher(themes + shadows) if themes else None
        )
        self._sections: Matcher[str] = Matcher(sections, overlapping=True)

    def _compile_entry(self, topic_id: str, entry: str, *, theme: bool) -> list[Keyword]:
        spellings, weight = split_entry(entry)
        entity = len(self._entities)
        self._entities.append((topic_id, weight))
        if theme:
            self._theme_entities.add(entity)
        # Spellings of one name that share a stem are one keyword: one mention, one hit.
        forms: dict[bytes, Form] = {}
        for spelling in spellings:
            for form in _theme_forms(topic_id, spelling) if theme else [_compile(topic_id, spelling)]:
                seen = forms.get(form.stem)
                forms[form.stem] = seen.union(form) if seen else form
        keywords = []
        for form in forms.values():
            text = form.spelling.split("|")[0]
            keyword = Keyword(
                topic_id, text, entry, entity, weight, form, len(self.keywords), theme
            )
            self.keywords.append(keyword)
            keywords.append(keyword)
        return keywords

    def hits(self, text: str, *, in_title: bool = False) -> list[Hit]:
        """Keyword hits (names and theme words) in `text`, before any rule."""
        padded = b" " + normalize_bytes(text) + b" "
        return [
            Hit(value, in_title, start - 1, end - 1)
            for value, start, end in self._scan(padded)
            if isinstance(value, Keyword)
        ]

    def _scan(self, text: bytes) -> list[Match]:
        found = self._names.scan(text)
        if self._themes is not None:
            found += self._themes.scan(text)
        return found

    def classify(
        self, title: str, text: str, evidence: FeedEvidence | None = None
    ) -> Classification:
        return self.classify_normalized(
            b" " + normalize_bytes(title) + b" ",
            b" " + normalize_bytes(text) + b" ",
            evidence,
        )

    def classify_normalized(
        self, title: bytes, text: bytes, evidence: FeedEvidence | None = None
    ) -> Classification:
        """Classify title and text already normalized by `normalize_bytes`, padded with a space."""
        matches = (self._scan(title), self._scan(text))
        best, count, ignored = self._tally(matches, title, text)
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
        feed = self._feed_bonus(evidence, raw) if evidence else {}
        scores: dict[str, float] = {}
        floor = RELATIVE_SHARE * max(raw.values(), default=0.0)
        thresholds = self._threshold
        for topic_id, score in raw.items():
            raw[topic_id] = score = round(score, 2)
            if score >= thresholds[topic_id] and (
                topic_id in headline or topic_id in feed or score >= floor
            ):
                scores[topic_id] = score
        return Classification(scores, raw, headline, matches, ignored, feed)

    def _tally(
        self, matches: tuple[list[Match], list[Match]], title: bytes, text: bytes
    ) -> tuple[dict[int, float], dict[int, int], dict[tuple[bool, int], int]]:
        """Best place and count per entry, and the hits the rules set aside. The hot loop."""
        best: dict[int, float] = {}
        count: dict[int, int] = {}
        ruled = self.rulebook.ruled
        deferred: list[tuple[Keyword, bool, int, int]] = []
        contexts: list[tuple[Context, bool, int, int]] = []
        actors: list[tuple[bool, int, int]] = []
        how_many = count.get
        for in_title, part in ((True, matches[0]), (False, matches[1])):
            place = TITLE_WEIGHT if in_title else BODY_WEIGHT
            for value, start, end in part:
                entity = value.entity
                if entity < 0:
                    role = value.role  # type: ignore[union-attr]  # entity < 0: a Context
                    if role is ACTOR:
                        if not in_title:
                            actors.append((False, start, end))
                    elif role is not NOT:
                        contexts.append((value, in_title, start, end))  # type: ignore[arg-type]
                elif value.id in ruled:
                    deferred.append((value, in_title, start, end))  # type: ignore[arg-type]
                elif entity in count:
                    count[entity] += 1
                    if best[entity] < place:
                        best[entity] = place
                else:
                    best[entity] = place
                    count[entity] = how_many(entity, 0) + 1
        ignored = _NO_IGNORED
        if deferred:
            ignored = self.rulebook.decide(
                deferred, contexts, (title, text), self._names_counted(best)
            )
            for keyword, in_title, start, _ in deferred:
                if (in_title, start) not in ignored:
                    entity = keyword.entity
                    place = TITLE_WEIGHT if in_title else BODY_WEIGHT
                    if best.get(entity, 0.0) < place:
                        best[entity] = place
                    count[entity] = count.get(entity, 0) + 1
        if actors:
            self._actors(matches[1], actors, text, best, ignored)
        return best, count, ignored

    def _actors(
        self,
        matches: list[Match],
        actors: list[tuple[bool, int, int]],
        text: bytes,
        best: dict[int, float],
        ignored: dict[tuple[bool, int], int],
    ) -> None:
        """Names in the text by an actor word weigh ACTOR_WEIGHT (when nothing weighs more)."""
        for value, start, end in matches:
            if (
                isinstance(value, Keyword)
                and not value.theme
                and best.get(value.entity, ACTOR_WEIGHT) < ACTOR_WEIGHT
                and (False, start) not in ignored
                and within_words(actors, (value, False, start, end), (text, text), ACTOR_WITHIN)
            ):
                best[value.entity] = ACTOR_WEIGHT

    def _names_counted(self, best: dict[int, float]) -> dict[str, set[int]]:
        """Per topic, the name entries (not theme words) counted so far."""
        names: dict[str, set[int]] = {}
        for entity in best:
            if entity not in self._theme_entities:
                names.setdefault(self._entities[entity][0], set()).add(entity)
        return names

    def _feed_bonus(self, evidence: FeedEvidence, raw: dict[str, float]) -> dict[str, float]:
        """Bonus per topic the feed names and the text already supports."""
        bonus = dict.fromkeys(evidence.topics & raw.keys(), SECTION_BONUS)
        for topic_id in self.category_topics(evidence.categories):
            if topic_id in raw:
                bonus[topic_id] = CATEGORY_BONUS
        for topic_id, value in bonus.items():
            raw[topic_id] += value
        return bonus

    def category_topics(self, categories: Iterable[str]) -> set[str]:
        """Topics an item's categories name: a section word («اقتصاد», Sport) or a name."""
        found: set[str] = set()
        for category in categories:
            padded = b" " + normalize_bytes(category) + b" "
            found.update(topic_id for topic_id, _, _ in self._sections.scan(padded))
            found.update(v.topic_id for v, _, _ in self._names.scan(padded) if isinstance(v, Keyword))
        return found

    def threshold(self, topic_id: str) -> float:
        return self._threshold[topic_id]

    def entity_scores(self, hits: list[Hit]) -> dict[int, float]:
        """What each entry contributed, by entity number (for explanations)."""
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


def _compile(topic_id: str, spelling: str) -> Form:
    try:
        return compile_form(spelling)
    except SpellingError as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc


def _theme_forms(topic_id: str, spelling: str) -> list[Form]:
    try:
        return theme_forms(spelling)
    except SpellingError as exc:
        raise CatalogError(f"topic {topic_id}: {exc}") from exc
