"""The classifier that files articles under the catalog's topics.

Keywords are data (templates/topics.toml, read by bot.core.catalog): each topic's
names and its theme vocabulary. Title and text are normalized and scanned once each
by one automaton (bot.core.matcher) that also finds the rules' phrases and the
actor words. Where a longer phrase overlaps a shorter one it wins, whatever topics
they belong to, so a phrase that is two topics' evidence is listed in both
(البنك المركزي الروسي: Russia's name, the economy's too). Scoring, per topic:

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

Cost (bench/classify.py, bench/instructions.py classify): the hot path is compiled by
Cython (setup.py; C types in topics.pxd, tally.pxd, rules.pxd, folding.pxd): title and
text are folded to padded bytes in one pass (bot.core.folding), scanned by the Rust
automaton, and its raw matches go straight into one compiled tally (bot.core.tally) with
no Python object per match: what each keyword and phrase counts for sits in flat arrays
by its code, each article's counts in arrays reset after it. Only what is left to say
is built as Python objects: the few topics' scores, the rules' hits where a rule is armed,
and `Classification.matches`, decoded on demand from the numbers kept. The automaton's
scan is now over half the time. Uncompiled, the same source runs as plain Python, several
times slower.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple, TypeVar

from bot.core.catalog import ANY_NAME, THRESHOLD, Catalog, CatalogError, Rule, Topic, split_entry
from bot.core.codes import HELD, NAME, NEAR_ROLE, PHRASE, USED, WHEN_ROLE, Codes, RuleTerms
from bot.core.matcher import Matcher
from bot.core.morphology import Form, SpellingError, compile_form, theme_forms
from bot.core.normalize import normalize_padded
from bot.core.rules import (
    NEAR,
    UNLESS,
    WHEN,
    CompiledRule,
    Context,
    Role,
    RuleBook,
    RuleHit,
    word_forms,
)
from bot.core.tally import Tally

T = TypeVar("T")

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


Seen = tuple[Context, bool, int, int]  # a phrase, in title, start, end

_NO_IGNORED: dict[tuple[bool, int], int] = {}


@dataclass(slots=True, init=False)
class Classification:
    """Topics and scores, with the matches they came from (detail is computed on demand).

    (Its `__init__` is written out: compiled, it runs as C; the one dataclass would
    generate is Python bytecode, interpreted once an article.)"""

    scores: dict[str, float]  # topics assigned
    raw: dict[str, float]  # every topic with a counted hit (feed bonus included)
    headline: set[str]  # topics with a counted hit in the title
    # the accepted matches, three numbers each (code, start, end), title first; `matches`
    # reads them with `values` (code -> keyword or phrase)
    found: array[int] = field(repr=False)
    n_title: int  # how many of them are in the title
    values: list[Keyword | Context] = field(repr=False, compare=False)
    ignored_hits: dict[tuple[bool, int], int]  # (in title, start) -> the rule that set it aside
    feed: dict[str, float] = field(default_factory=dict)  # topic -> bonus from feed evidence
    seen: list[tuple[Context, bool, int, int]] = field(default_factory=list)  # other phrases
    actors: set[int] = field(default_factory=set)  # entries that weigh as actors

    def __init__(
        self,
        scores: dict[str, float],
        raw: dict[str, float],
        headline: set[str],
        found: array[int],
        n_title: int,
        values: list[Keyword | Context],
        ignored_hits: dict[tuple[bool, int], int],
        feed: dict[str, float] | None = None,
        seen: list[tuple[Context, bool, int, int]] | None = None,
        actors: set[int] | None = None,
    ) -> None:
        self.scores = scores
        self.raw = raw
        self.headline = headline
        self.found = found
        self.n_title = n_title
        self.values = values
        self.ignored_hits = ignored_hits
        self.feed = {} if feed is None else feed
        self.seen = [] if seen is None else seen
        self.actors = set() if actors is None else actors

    @property
    def matches(self) -> tuple[list[Match], list[Match]]:
        """(value, start, end) of every accepted match in the padded normalized title, and
        in the text."""
        size = len(self.found) // 3
        return (
            _decoded(self.found, 0, self.n_title, self.values),
            _decoded(self.found, self.n_title, size, self.values),
        )

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
        """The `not` and rule phrases seen (the rules' other phrases only where they were
        looked for: for a topic the rules could change)."""
        found = [
            ContextHit(value, in_title, start - 1, end - 1)
            for in_title, matches in zip((True, False), self.matches, strict=True)
            for value, start, end in matches
            if isinstance(value, Context)
        ]
        found += [ContextHit(c, t, s - 1, e - 1) for c, t, s, e in self.seen]
        return found


def compile_keyword(topic_id: str, text: str, *, entity: int = 0, weight: float = 1.0) -> Keyword:
    """Compile one spelling (with `*` for derivations) as a keyword of `topic_id`."""
    return Keyword(topic_id, text, text, entity, weight, compile_form(text))


class Classifier:
    """Scores a text against every topic in one pass over it."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.keywords: list[Keyword] = []
        self._threshold = {t.id: t.threshold for t in catalog.topics}
        self._entities: list[tuple[str, float, bool]] = []  # entity -> (topic, weight, name?)
        self._theme_entities: set[int] = set()
        items: list[tuple[Form, Keyword | Context]] = []
        sections: list[tuple[Form, str]] = []
        by_topic: dict[str, dict[str, list[int]]] = {}
        for topic in catalog.topics:
            by_spelling = by_topic.setdefault(topic.id, {})
            for entries, theme in ((topic.keywords, False), (topic.theme, True)):
                for entry in entries:
                    for keyword in self._compile_entry(topic.id, entry, theme=theme):
                        items.append((keyword.form, keyword))
                        for spelling in keyword.form.spelling.split("|"):
                            by_spelling.setdefault(spelling, []).append(keyword.id)
            by_spelling[ANY_NAME] = [k.id for k in self.keywords if k.topic_id == topic.id]
            for label in (*topic.sections, *topic.names.values(), topic.id.replace("_", " ")):
                sections.append((_compile(topic.id, label), topic.id))
        self.rulebook = RuleBook()
        entity_of = {k.id: k.entity for k in self.keywords}
        # One value per phrase and automaton, whatever it does. The main automaton holds
        # the `not`, `when` and `near` phrases; the `unless` ones, many of them common
        # words, wait in a second automaton, scanned only for an article a rule would
        # otherwise change. (`unless_near` and actor words are looked up among the words
        # around a hit.)
        main: dict[str, list[tuple[int, Role]]] = {}
        lazy: dict[str, list[tuple[int, Role]]] = {}
        shadows: dict[str, str] = {}
        owner: dict[str, str] = {}  # phrase -> the topic that first wrote it (for errors)
        for topic in catalog.topics:
            for phrase in topic.not_phrases:
                shadows.setdefault(phrase, topic.id)
                main.setdefault(phrase, [])
                owner.setdefault(phrase, topic.id)
            for rule in topic.rules:
                number = self.rulebook.add(topic.id, rule, by_topic[topic.id], entity_of)
                for role, phrases in (
                    (WHEN, rule.when),
                    (NEAR, rule.near),
                    (UNLESS, rule.unless),
                ):
                    for phrase in phrases:
                        (main if role in (WHEN, NEAR) else lazy).setdefault(phrase, []).append(
                            (number, role)
                        )
                        owner.setdefault(phrase, topic.id)
        for phrase, uses in main.items():
            context = Context(phrase, tuple(uses), shadows.get(phrase, ""))
            items.append((_compile(owner[phrase], phrase), context))
        self.rules: list[CompiledRule] = self.rulebook.rules
        self._matcher: Matcher[Keyword | Context] = Matcher(items)
        self._context: Matcher[Context] = Matcher(
            (_compile(owner[phrase], phrase), Context(phrase, tuple(uses)))
            for phrase, uses in lazy.items()
        )
        self._actors = word_forms(catalog.actors)
        self._sections: Matcher[str] = Matcher(sections, overlapping=True)
        # Every value of the main matcher as a number (a code: a keyword's id, then the
        # phrases), and per code what the tally needs (bot.core.tally).
        contexts = [v for _, v in items if isinstance(v, Context)]
        self._values: list[Keyword | Context] = [*self.keywords, *contexts]
        code_of = {id(v): n for n, v in enumerate(self._values)}
        self._topic_ids = [t.id for t in catalog.topics]
        self._topic_number = topic_number = {t: n for n, t in enumerate(self._topic_ids)}
        held = self.rulebook.held
        role_of = {WHEN: WHEN_ROLE, NEAR: NEAR_ROLE}
        self._codes = Codes(
            self._matcher,
            self._matcher.codes(lambda v: code_of[id(v)]),
            entity_of=[k.entity for k in self.keywords] + [0] * len(contexts),
            topic_of=[topic_number[k.topic_id] for k in self.keywords] + [0] * len(contexts),
            flags_of=[
                (0 if k.theme else NAME) | (HELD if k.id in held else 0) for k in self.keywords
            ]
            + [PHRASE | (USED if c.uses else 0) for c in contexts],
            entities=[(topic_number[t], w, name) for t, w, name in self._entities],
            thresholds=[self._threshold[t] for t in self._topic_ids],
            rules=[
                RuleTerms(
                    topic_number[c.topic_id],
                    bool(c.rule.when),
                    bool(c.rule.near),
                    c.rule.alone,
                    c.ignore_entities,
                )
                for c in self.rulebook.rules
            ],
            uses=[[(n, role_of[role]) for n, role in c.uses if role in role_of] for c in contexts],
            held_rules=self.rulebook.held_rules,
        )
        self._tallies: list[Tally] = []  # one per thread classifying at the same time

    def _compile_entry(self, topic_id: str, entry: str, *, theme: bool) -> list[Keyword]:
        spellings, weight = split_entry(entry)
        entity = len(self._entities)
        self._entities.append((topic_id, weight, not theme))
        if theme:
            self._theme_entities.add(entity)
        # Spellings of one name that share a stem are one keyword: one mention, one hit.
        forms: dict[bytes, Form] = {}
        for spelling in spellings:
            for form in (
                _theme_forms(topic_id, spelling) if theme else [_compile(topic_id, spelling)]
            ):
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
        padded = normalize_padded(text)
        return [
            Hit(value, in_title, start - 1, end - 1)
            for value, start, end in self._matcher.scan(padded)
            if isinstance(value, Keyword)
        ]

    def classify(
        self, title: str, text: str, evidence: FeedEvidence | None = None
    ) -> Classification:
        return self.classify_normalized(normalize_padded(title), normalize_padded(text), evidence)

    def classify_normalized(
        self, title: bytes, text: bytes, evidence: FeedEvidence | None = None
    ) -> Classification:
        """Classify title and text already normalized by `normalize_bytes`, padded with a space."""
        matcher = self._matcher
        try:
            tally = self._tallies.pop()
        except IndexError:
            tally = Tally(self._codes)
        marks = tally.run(matcher.matches(title), title, matcher.matches(text), text)
        raw, headline, lift = tally.scores(self._topic_ids)
        thresholds = self._threshold
        lazy: list[list[Seen]] = []  # the second automaton's finds, once looked for
        ignored = _NO_IGNORED
        armed = tally.armed() if marks else None
        if armed:
            values = self._values
            held = tally.held(values) if marks & HELD else []
            near_hits = tally.near_hits(values, self.rules, (title, text)) if marks & USED else []
            if held or near_hits:
                seen = tally.phrases(values) if marks & USED else []
                ignored = self.rulebook.decide(
                    held,
                    near_hits,
                    seen,
                    (title, text),
                    _Others(tally, self._topic_number, held, near_hits),
                    _Later(self._later, title, text, lazy),
                )
                if ignored:
                    lost = _lost(ignored, held, near_hits)
                    tally.take_off(ignored, lost, raw, headline, lift, self._topic_ids)
        # A name by an actor word weighs more: looked for where that could pass a threshold.
        candidates = {t for t, gain in lift.items() if raw[t] < thresholds[t] <= raw[t] + gain}
        actors: set[int] = set()
        if candidates:
            actors = tally.boost_actors(
                text, raw, candidates, ignored, self._actors, self._topic_ids
            )
        found, n_title = tally.kept(), tally.n_title
        tally.reset()
        self._tallies.append(tally)
        feed = self._feed_bonus(evidence, raw) if evidence else {}
        scores: dict[str, float] = {}
        floor = RELATIVE_SHARE * max(raw.values(), default=0.0)
        for topic_id, score in raw.items():
            raw[topic_id] = score = _round2(score)
            if score >= thresholds[topic_id] and (
                topic_id in headline or topic_id in feed or score >= floor
            ):
                scores[topic_id] = score
        return Classification(
            scores,
            raw,
            headline,
            found,
            n_title,
            self._values,
            ignored,
            feed,
            lazy[0] if lazy else [],
            actors,
        )

    def _later(self, title: bytes, text: bytes) -> list[Seen]:
        """The rules' `unless` phrases, found on demand."""
        return [
            (context, in_title, start, end)
            for in_title, part in ((True, title), (False, text))
            for context, start, end in self._context.scan(part)
        ]

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
            padded = normalize_padded(category)
            found.update(topic_id for topic_id, _, _ in self._sections.scan(padded))
            found.update(
                v.topic_id
                for v, _, _ in self._matcher.scan(padded)
                if isinstance(v, Keyword) and not v.theme
            )
        return found

    def threshold(self, topic_id: str) -> float:
        return self._threshold[topic_id]

    def entity_scores(self, hits: list[Hit], actors: Iterable[int] = ()) -> dict[int, float]:
        """What each entry contributed, by entity number (for explanations); `actors`: the
        entries that weigh as actors."""
        best: dict[int, float] = dict.fromkeys(actors, ACTOR_WEIGHT)
        count: dict[int, int] = {}
        for hit in hits:
            entity = hit.keyword.entity
            best[entity] = max(best.get(entity, 0.0), TITLE_WEIGHT if hit.in_title else BODY_WEIGHT)
            count[entity] = count.get(entity, 0) + 1
        return {
            e: (p + min(REPEAT_BONUS * (count[e] - 1), REPEAT_BONUS_CAP)) * self._entities[e][1]
            for e, p in best.items()
        }


class _Later:
    """For `RuleBook.decide`: the rules' `unless` phrases in the article, looked for once
    and only if asked (kept in `found` for the classification)."""

    def __init__(
        self,
        look: Callable[[bytes, bytes], list[Seen]],
        title: bytes,
        text: bytes,
        found: list[list[Seen]],
    ) -> None:
        self.look = look
        self.title = title
        self.text = text
        self.found = found

    def __call__(self) -> list[Seen]:
        if not self.found:
            self.found.append(self.look(self.title, self.text))
        return self.found[0]


class _Others:
    """For `RuleBook.decide`: whether a name of a topic outside a rule's entries keeps a
    hit besides the hits already set aside (an `alone` rule applies only where none does).
    (A class, not a closure: the closure's cycle would be left to the garbage collector.)"""

    def __init__(
        self,
        tally: Tally,
        topic_number: dict[str, int],
        held: list[tuple[Keyword, bool, int, int]],
        near_hits: list[tuple[int, RuleHit]],
    ) -> None:
        self.tally = tally
        self.topic_number = topic_number
        self.held = held
        self.near_hits = near_hits
        self.lost: dict[int, int] | None = None

    def __call__(
        self, topic_id: str, ignore: frozenset[int], decided: Mapping[tuple[bool, int], int]
    ) -> bool:
        if decided and self.lost is None:
            self.lost = _lost(decided, self.held, self.near_hits)
        less = self.lost if decided else None
        return self.tally.names_left(self.topic_number[topic_id], ignore, less)


def _lost(
    ignored: Mapping[tuple[bool, int], int],
    held: list[tuple[Keyword, bool, int, int]],
    near_hits: list[tuple[int, RuleHit]],
) -> dict[int, int]:
    """Per entry, how many of its hits `ignored` sets aside (only held hits and near hits
    can be), in the order `ignored` first names it."""
    entity_at: dict[tuple[bool, int], int] = {}
    for keyword, in_title, start, _ in held:
        entity_at[(in_title, start)] = keyword.entity
    for _, hit in near_hits:
        entity_at[(hit[1], hit[2])] = hit[0].entity
    lost: dict[int, int] = {}
    for key in ignored:
        entity = entity_at[key]
        lost[entity] = lost.get(entity, 0) + 1
    return lost


def _round2(score: float) -> float:
    """`round(score, 2)`, without its decimal conversion where the score is a whole number
    of 1/256 below 2**40 (every place, weight, repeat and bonus of the catalog is a sum of
    powers of two, so nearly every score is): `score * 100` is then exact, and rounding it
    half to even and dividing by 100 gives the double `round` gives."""
    if 0.0 <= score < 1099511627776.0 and (score * 256.0) % 1.0 == 0.0:
        hundredths = score * 100.0
        whole = hundredths - hundredths % 1.0
        rest = hundredths - whole
        if rest > 0.5 or (rest == 0.5 and whole % 2.0 == 1.0):
            whole += 1.0
        return whole / 100.0
    return round(score, 2)


def _decoded(found: array[int], first: int, last: int, values: list[T]) -> list[tuple[T, int, int]]:
    """The matches `first` to `last` of `found` (three numbers each: code, start, end) as
    (value, start, end)."""
    return [(values[found[3 * i]], found[3 * i + 1], found[3 * i + 2]) for i in range(first, last)]


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
