"""Stories: the articles of different outlets about one event, filed as they arrive.

Each article is compared with the stories filed before it, as wholes, never with one
member: no chain of near neighbours can join two events. A story is the sum of its
members' unit vectors (features: bot.core.story_features), TF-IDF weighted:
- names: people, offices, places, institutions, with one id across scripts and epithets
  («بوتين», «سيد الكرملين», "Putin"); countries apart, as a set;
- concepts: news vocabulary with its English equivalent (زلزال/earthquake);
- words, kept per script: an article meets the wording of the story's articles in its
  own script;
- the numbers its articles state, and the time of its first and last article.

A small logistic model (MODEL, fitted on the development story set by
`python -m tests.corpus.stories --fit`) turns the cosines with the story, the shared
numbers and countries and the hours since the story's nearest article into a
probability. A names cosine counts in proportion to the weight of the names shared: one
name alone in common is weak evidence, however alone it is in both. The article joins
the most probable story at THRESHOLD or above, within WINDOW, if it also shares
something with every article of the story within the window (complete link): an
affinity of at least FLOOR with each, the model's weighted sum of the cosines and the
shared numbers. A story about an earthquake that one article tied to a state visit does
not take in the next article about that visit alone; nor do two articles that share a
country and a few common words. Otherwise the article starts a story of its own.

Before any score:
- a story whose articles name countries, and an article naming only other countries,
  are different events however alike their words (four earthquakes, two central banks'
  rate cuts, three national teams qualifying);
- only stories that have one of the article's rarest names and words, or a number it
  states, are compared at all; across scripts, also a country named with a concept.

IDF statistics are those of the articles in the index (the last HORIZON), counted as
each article arrives, as ingestion sees them. A story's id is its first article's id,
so "stories newer than a watermark" is a comparison of ids.

Cost: filing (`assign`) computes only what its decisions need: the stories that reach
the threshold, then the complete-link check of the most probable until one passes,
stopping at the first member below FLOOR. `replay` and `compare` build every part of
every comparison (fitting rows, explanations). Both reach the same floats, because the
same operations run in the same order, with only additions of zero left out.
`bench/same_results.py` checks that.

Compiled (setup.py, with the C types of cluster.pxd), the index is made of C records: an
article (`_Doc`), a story (`_Story`), a vector (`_Vector`), a key (`_Term`: its document
frequency and the stories it proposes, both found with one look-up) and a story's weight
(`_Weight`, added to in place). The weights, cosines and affinities are C doubles, and
the sets of ids and entities are dicts of numbers, which the garbage collector does not
walk; nor does it walk the records (cython.no_gc: see _Vector). Filing is bound by
memory more than by instructions: what costs is making, growing and freeing Python
objects, and reaching ones no longer in the caches. So the index is looked up as little
and as densely as it can be, and makes as few objects as it can:
- an entity's key is found by its number in a list (made, with its kind looked up, when
  an article first names it), the other keys (words, numbers) in a dict of strings only
  (Python searches it faster than one of mixed keys), a country named with a concept
  through the index's own script/country/concept dicts (no string made per pair);
  entity numbers are the index's own int objects, which the stories' dicts find by
  identity;
- a key's stories are the records themselves: the first in a field of the key, only the
  others in a dict (most keys are had by one story at a time), gathered for an article
  in a list, each story marked once per search;
- a story's keys are a dict (it takes an article's name, number or pair with one
  look-up), and its words are their own: the look-up that adds a word's weight says
  whether the story had it;
- a filed article keeps only what later comparisons read: its words as the index's keys
  (no strings) with their unit weights in one array of C doubles (no float objects),
  not its features, source, names' tuples or countries;
- its rarest names and words are kept in order in a C array as they come, the shared
  numbers are counted without a set, and the constants of the loops are C values.

On bench/stories.py's first 1,000 articles with callgrind's cache model (`python
bench/instructions.py stories --cache --articles 1000`: an estimate of cycles, the
instructions plus 10 a first-level miss and 100 a last-level one), filing costs 205,300
an article with this round's features (story_features) and index together (281,300
before, issue 11's seventh session), 0.75 of classifying (1.03); the index's part alone
(filing less `features()`) fell from 161,100 to 117,800. Instructions 142,000 (192,900),
0.68 of classifying; last-level misses 107 read and 99 written (164, 158). In time,
bench/stories.py alternated with the build before (13 runs of each, load 1-2 on two
cores): file / classify 0.86-1.04, median 0.93, against 1.13-1.32, median 1.17; 0.032 to
0.047 ms an article to file. Earlier rounds, in instructions: 0.217 million an article
(0.241 million before the third round, 0.31 before no_gc, 0.66 before the C records); in
time (third round), 0.047-0.066 ms an article to file against 0.065-0.076, file /
classify 1.23-1.29 against 1.49-1.57.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import TypeAlias

import cython  # type: ignore[import-untyped]  # (its decorators: see _Doc)

from bot.core.entities import Entities, Mention, load_entities
from bot.core.story_features import features, hours

THRESHOLD = 0.5
FLOOR = 0.5  # the least affinity with each of a story's articles (see Parts.affinity)
WINDOW = timedelta(hours=36)
HORIZON = timedelta(days=3)
RARE_WORDS = 8  # an article's rarest words and names propose the stories to compare with
assert RARE_WORDS <= 8  # (the size of the array that StoryIndex._prepare keeps them in)
RARE_NAMES = 4
assert RARE_NAMES <= 8  # (the same)
NAME_MASS = 4.0  # the IDF of the shared names at which their cosine counts half
SWEEP_AT = 100_000  # keys in the index before it drops those nothing has any more

Key = int | str  # what proposes a story: an entity number, "#" + a number, a word…
# a vector's: a name's or concept's number, or a word's key of the index (see _Doc)
Coordinate: TypeAlias = "int | str | _Term"


@dataclass(frozen=True)
class Model:
    """Logistic weights of the parts of a comparison (see Parts)."""

    bias: float
    concepts: float
    names: float
    wording: float
    same_script: float
    numbers: float
    days: float
    countries: float


MODEL = Model(
    bias=-1.28,
    concepts=2.51,
    names=1.9,
    wording=1.04,
    same_script=-0.6,
    numbers=0.64,
    days=-1.64,
    countries=1.51,
)


@dataclass(frozen=True, slots=True)
class StoryDoc:
    id: int
    title: str
    lead: str
    published_at: datetime
    story_id: int | None = None  # set for articles already filed under a story


@dataclass(frozen=True, slots=True)
class Parts:
    """How an article compares with a story."""

    concepts: float  # cosine of the news-concept vectors
    names: float  # cosine of the vectors of named things, times the share of their weight
    wording: float  # cosine of word vectors, with the story's articles in the same script
    same_script: bool  # the story has articles in the article's script
    numbers: int  # numbers both state (at most 2 count)
    hours: float  # from the story's nearest article
    countries: float  # Jaccard of the countries both name

    def vector(self) -> list[float]:
        return [
            self.concepts,
            self.names,
            self.wording,
            float(self.same_script),
            float(min(self.numbers, 2)),
            self.hours / 24,
            self.countries,
        ]

    def logit(self, model: Model = MODEL) -> float:
        return (
            model.bias
            + model.concepts * self.concepts
            + model.names * self.names
            + model.wording * self.wording
            + model.same_script * self.same_script
            + model.numbers * min(self.numbers, 2)
            + model.days * self.hours / 24
            + model.countries * self.countries
        )

    def probability(self, model: Model = MODEL) -> float:
        return _sigmoid(self.logit(model))

    def affinity(self, model: Model = MODEL) -> float:
        """What the two have in common, time, script and countries aside."""
        return (
            model.concepts * self.concepts
            + model.names * self.names
            + model.wording * self.wording
            + model.numbers * min(self.numbers, 2)
        )


@dataclass(frozen=True, slots=True)
class Candidate:
    """A story an article was compared with, and what came of it."""

    story_id: int
    parts: Parts
    conflict: tuple[frozenset[str], frozenset[str]] | None  # (article's, story's) countries
    shared: tuple[Mention, ...]  # the article's mentions of things the story names
    shared_numbers: frozenset[str]
    farthest: tuple[int, float] | None = None  # the member it is least like, and how little

    def probability(self, model: Model = MODEL) -> float:
        return 0.0 if self.conflict else self.parts.probability(model)

    def joins(self, threshold: float = THRESHOLD, model: Model = MODEL) -> bool:
        far = self.farthest
        return self.probability(model) >= threshold and (far is None or far[1] >= FLOOR)


class _Weight:
    """One weight of a story's vector, added to in place as articles join (a dict's value
    replaced costs a second look-up and a new float). Compiled, it holds a C double and
    is no work for the garbage collector."""

    value: float


# Compiled, the records below are no work for the garbage collector (cython.no_gc, which
# applies only from here, not from cluster.pxd): none can be part of a reference cycle.
# A record holds numbers, strings, an article's features and containers of those, and
# records of the kinds below it (a story its vectors and keys, a key ids), never one that
# leads back to it, so reference counting frees them all. Uncompiled, the decorators do
# nothing.


@cython.no_gc
@cython.cclass
class _Vector:
    """A sparse vector and its squared norm: a story's is the sum of its members'."""

    weights: dict[Coordinate, _Weight]
    norm2: float
    norm: float  # its square root, taken once per article added

    def add(self, unit: dict[Key, float]) -> None:
        if not unit:
            return
        self.norm2 += 1.0 + 2.0 * _add_into(self.weights, unit)
        self.norm = math.sqrt(self.norm2)

    def cosine(self, unit: dict[Key, float]) -> float:
        if self.norm2 <= 0.0 or not unit:
            return 0.0
        return _dot_weights(unit, self.weights) / self.norm

    def add_words(self, doc: _Doc, story: _Story) -> None:
        """add(_words_of(doc)), from the article's tuples, in the words of `story`: a word
        new to them has the story among its owners (see _Story.terms)."""
        if not doc.word_keys:
            return
        dot = _add_items(self.weights, doc.word_keys, doc.word_units, story)
        self.norm2 += 1.0 + 2.0 * dot
        self.norm = math.sqrt(self.norm2)

    def cosine_words(self, doc: _Doc) -> float:
        """cosine(_words_of(doc)), from the article's tuples."""
        if self.norm2 <= 0.0 or not doc.word_keys:
            return 0.0
        return _dot_items_weights(doc.word_keys, doc.word_units, self.weights) / self.norm


@cython.no_gc
@cython.cclass
class _Doc:
    """An article in the index: its unit vectors, and what finds its story's neighbours
    (built by StoryIndex._prepare)."""

    id: int
    source: StoryDoc | None  # (its mentions are found again for an explanation; not kept)
    hours: float
    script: str  # the features' script, numbers and countries, at hand
    numbers: frozenset[str]
    countries: frozenset[str]
    concepts: dict[Key, float]  # unit vectors
    names: dict[Key, float]
    name_keys: tuple[Key, ...]  # the names' keys and unit weights, in order
    name_units: tuple[float, ...]
    name_weights: tuple[float, ...]  # and their weights before normalizing
    # the words' unit vector, in order, keyed by the words' own keys of the index (their
    # document frequencies too: an article keeps no string of its words)
    word_keys: tuple[_Term, ...]
    word_units: array[float]  # (C doubles: one object, not a float each to make and free)
    words: dict[_Term, float] | None  # the same as a dict, made when first needed (_words_of)
    entities: list[int]  # the numbers of the entities it names (the index's own int objects)
    terms: tuple[_Term, ...]  # the entities it counts for (their document frequencies)
    keys: list[_Term]  # what it offers to propose its story to later articles
    lookups: list[_Term]  # what it looks its candidate stories up by
    story_id: int


@cython.no_gc
@cython.cclass
class _Term:
    """A key of the index (an entity's number, a word, "#" + a number…): how many of the
    index's articles have it, and the stories that do. One look-up per key and article
    finds both. Most keys are had by one story at a time (most words by one article), so
    a story is in `owner` and only the others in a dict, by id: no dict for the rest."""

    df: int
    owner: _Story | None
    owners: dict[int, _Story] | None  # (made for a second story; see _own and _disown)


@cython.no_gc
@cython.cclass
class _Story:
    """A story's members and the sums of their vectors. Its entities are a dict's keys:
    the garbage collector does not track a dict of numbers, while it walks every set at
    each full collection."""

    id: int
    first: float
    last: float
    members: list[int]
    concepts: _Vector
    names: _Vector
    words: dict[str, _Vector]  # per script
    numbers: set[str]
    countries: set[str]
    mentioned: dict[int, None]  # entity numbers
    # the keys that propose it (see _Term.owners), as a dict's keys: whether an article's
    # key is one already is a look-up in this one dict, not in each key's owners. Its
    # words' keys are its word vectors' keys (the look-up that adds a word's weight finds
    # whether it is new to the story), the rest (names, numbers, pairs) are here.
    terms: dict[_Term, None]
    mark: int  # the last search that found it (see StoryIndex._proposed)


# The records are made by these functions rather than __init__: compiled, a call of the
# class goes through Python's calling convention, and __new__ does not.


def _new_term() -> _Term:
    term = _Term.__new__(_Term)
    term.df = 0
    term.owner = None
    term.owners = None
    return term


def _own(term: _Term, story: _Story) -> None:
    """Count `story` among the key's owners. A story may be both `owner` and in `owners`
    (owner again after one before it went): `_proposed` takes it once, `_disown` from both."""
    owner = term.owner
    if owner is None:
        term.owner = story
    elif owner is not story:
        owners = term.owners
        if owners is None:
            owners = term.owners = {}
        owners[story.id] = story


def _disown(term: _Term, story: _Story) -> None:
    """`story` is no longer among the key's owners (nor was, perhaps: a word's of both
    scripts is let go twice)."""
    if term.owner is story:
        term.owner = None
    owners = term.owners
    if owners:
        owners.pop(story.id, None)


def _new_vector() -> _Vector:
    vector = _Vector.__new__(_Vector)
    vector.weights = {}
    vector.norm2 = vector.norm = 0.0
    return vector


def _new_story(story_id: int, at: float) -> _Story:
    story = _Story.__new__(_Story)
    story.id = story_id
    story.first = story.last = at
    story.members = []
    story.concepts = _new_vector()
    story.names = _new_vector()
    story.words = {}
    story.numbers = set()
    story.countries = set()
    story.mentioned = {}
    story.terms = {}
    story.mark = 0
    return story


class StoryIndex:
    """The stories of the last HORIZON, ready to file new articles online."""

    def __init__(
        self,
        entities: Entities | None = None,
        *,
        threshold: float = THRESHOLD,
        window: timedelta = WINDOW,
        horizon: timedelta = HORIZON,
        model: Model = MODEL,
    ) -> None:
        self.entities = load_entities() if entities is None else entities
        self.threshold = threshold
        self.window = window.total_seconds() / 3600
        self.horizon = horizon.total_seconds() / 3600
        self.model = model  # (read once: the weights below are its own)
        self._bias, self._by_concepts, self._by_names = model.bias, model.concepts, model.names
        self._by_wording, self._by_script = model.wording, model.same_script
        self._by_numbers, self._by_days = model.numbers, model.days
        self._by_countries = model.countries
        self._logit_threshold = math.log(threshold / (1 - threshold))
        # Each part of an affinity adds to it: one part at FLOOR settles a member.
        self._parts_add_up = min(model.concepts, model.names, model.wording, model.numbers) >= 0
        # by entity number: what its weight goes to, looked up as the entity is first met
        # (most of the ~17K never are)
        self._kinds = bytearray([_UNSEEN]) * len(self.entities.entities)
        self._docs: dict[int, _Doc] = {}  # in the order added (_forget drops the first)
        self._stories: dict[int, _Story] = {}
        # key -> its document frequency and stories; a key no article and no story has
        # any more stays until the next sweep (see _forget). An entity's is found by its
        # number, and the rest (words, numbers, pairs: all strings) in a dict of strings,
        # which Python searches faster than one of mixed keys.
        # (made as each entity is first counted: most of the ~17K are never named in the
        # horizon, and a record each would be memory to make, walk past and free)
        count = len(self.entities.entities)
        self._entity_terms: list[_Term | None] = [None] * count
        self._canon: list[int] = [0] * count  # each number's one int object (with its term)
        self._terms: dict[str, _Term] = {}
        # A country named with a concept, in an article's script: script -> country ->
        # concept -> its key (what finds the story from an article in the other script)
        self._pairs: dict[str, dict[str, dict[Key, _Term]]] = {}
        self._pair_count = 0
        self._sweep_at = SWEEP_AT  # keys
        self._searches = 0  # (see _proposed)
        self._newest = -_INF

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def __len__(self) -> int:
        return len(self._docs)

    # --- filing --------------------------------------------------------------------------

    def sync(self, earlier: Iterable[StoryDoc]) -> None:
        """Add the filed articles the index lacks (after a restart, or filed elsewhere)."""
        missing = [d for d in earlier if d.id not in self._docs and d.story_id is not None]
        for doc in sorted(missing, key=_BY_PUBLICATION):
            self.add(doc, doc.story_id or doc.id)
        self._forget()

    def assign(self, pending: Sequence[StoryDoc]) -> dict[int, int]:
        """File each article, in order of publication, against the stories before it."""
        filed: dict[int, int] = {}
        for doc in sorted(pending, key=_BY_PUBLICATION):
            known = self._docs.get(doc.id)
            if known is not None:  # filed by an earlier call whose result was not stored
                filed[doc.id] = known.story_id
                continue
            prepared = self._prepare(doc, True)
            story_id = doc.id
            for candidate in self._ranked(prepared):
                # the most probable story it shares something with all of
                if self._close_to_all(prepared, self._stories[candidate]):
                    story_id = candidate
                    break
            self._insert(prepared, story_id)
            filed[doc.id] = story_id
        self._forget()
        return filed

    def add(self, doc: StoryDoc, story_id: int) -> None:
        """Put an article filed before under `story_id`."""
        if doc.id not in self._docs:
            self._insert(self._prepare(doc, True), story_id)

    def replay(self, doc: StoryDoc, story_id: int) -> list[Candidate]:
        """Put an article under the story it belongs to, returning the stories it was
        compared with on the way (what fitting the model learns from)."""
        prepared = self._prepare(doc, True)
        candidates = self._candidates(prepared)
        self._insert(prepared, story_id)
        self._forget()
        return candidates

    def compare(self, doc: StoryDoc) -> list[Candidate]:
        """The stories an article would be compared with now, most probable first; the
        index is left as it was (for explanations)."""
        found = self._candidates(self._prepare(doc, False))
        return sorted(found, key=lambda c: (-c.probability(self.model), c.story_id))

    def members(self, story_id: int) -> list[int]:
        """The ids of a story's articles in the index, in the order they were added."""
        story = self._stories.get(story_id)
        return list(story.members) if story else []

    # --- comparing: filing ---------------------------------------------------------------
    # What filing needs, and only that: the stories that reach the threshold, most probable
    # first, and whether the article is close to every member of one. The numbers are
    # those of `_compare` and `_farthest` below (the same operations in the same order, so
    # the same floats), which also say why: they serve `replay` and `compare`.

    def _proposed(self, doc: _Doc) -> list[_Story]:
        """The stories that have one of the article's lookup keys, each once (marked with
        the number of this search: cheaper than gathering them in a dict)."""
        self._searches += 1
        mark = self._searches
        found: list[_Story] = []
        for term in doc.lookups:
            story = term.owner
            if story is not None and story.mark != mark:
                story.mark = mark
                found.append(story)
            owners = term.owners
            if owners:
                for story in owners.values():
                    if story.mark != mark:
                        story.mark = mark
                        found.append(story)
        return found

    def _ranked(self, doc: _Doc) -> list[int]:
        """The stories within the window that reach the threshold, most probable first (by
        id among equals)."""
        threshold, window, at = self._logit_threshold, self.window, doc.hours
        countries, script = doc.countries, doc.script
        numbers = doc.numbers if doc.numbers else None
        bias, by_concepts, by_names = self._bias, self._by_concepts, self._by_names
        by_wording, by_script, by_numbers = self._by_wording, self._by_script, self._by_numbers
        by_days, by_countries = self._by_days, self._by_countries
        name_keys, name_units, name_weights = doc.name_keys, doc.name_units, doc.name_weights
        named = len(name_keys)
        concept_units = doc.concepts
        size = len(countries)
        # (tuples are quicker to go over, story after story)
        found: list[tuple[float, int]] = []
        for story in self._proposed(doc):
            gap = story.first - at if at < story.first else at - story.last
            if gap > window:
                continue
            if gap < 0.0:  # max(gap, 0.0)
                gap = 0.0
            others = story.countries
            jaccard = 0.0
            if size and others:
                common = 0  # len(countries & others), without building it
                for country in countries:
                    if country in others:
                        common += 1
                if not common:
                    continue  # other countries, another event
                jaccard = common / (size + len(others) - common)
            # The cosines over the things both name only (most stories share none of the
            # article's concepts, and one or two of its names): the same products, in the
            # same order, with only the zeros left out.
            names = concepts = 0.0
            if named:
                weights, dot, mass, hit = story.names.weights, 0.0, 0.0, False
                for i in range(named):
                    cell = weights.get(name_keys[i])
                    if cell is not None:
                        value = cell.value  # C doubles where compiled (cluster.pxd)
                        unit, weight = name_units[i], name_weights[i]
                        dot += unit * value
                        mass += weight
                        hit = True
                if hit:
                    names = dot / story.names.norm
                    if names:
                        names *= mass / (mass + _NAME_MASS)
            if concept_units:
                weights, dot, hit = story.concepts.weights, 0.0, False
                for e, unit in concept_units.items():
                    cell = weights.get(e)
                    if cell is not None:
                        value = cell.value
                        dot += unit * value
                        hit = True
                if hit:
                    concepts = dot / story.concepts.norm
            shared = 0  # min(len(numbers & story.numbers), 2), without building the set
            held = story.numbers
            if numbers is not None and held:
                for number in numbers:
                    if number in held:
                        shared += 1
                        if shared == 2:
                            break
            # the terms of Parts.logit, each computed once
            concepts_part, names_part = by_concepts * concepts, by_names * names
            numbers_part = by_numbers * (shared if shared < 2 else 2)
            days_part, countries_part = by_days * gap / 24, by_countries * jaccard
            partial = bias + concepts_part + names_part + numbers_part + days_part + countries_part
            words = story.words.get(script)
            wording = 0.0
            if words is not None:
                partial += by_script
                if partial + by_wording < threshold:
                    continue  # not even the same words would do
                wording = words.cosine_words(doc)
            if partial + by_wording * wording < threshold:
                continue
            # Parts(...).probability(model), without building the Parts: the same sum
            logit = (
                bias
                + concepts_part
                + names_part
                + by_wording * wording
                + by_script * (words is not None)
                + numbers_part
                + days_part
                + countries_part
            )
            found.append((-_sigmoid(logit), story.id))
        found.sort()
        return [story_id for _, story_id in found]

    def _close_to_all(self, doc: _Doc, story: _Story) -> bool:
        """`_farthest(doc, story)[1] >= FLOOR`, member by member: a part of the affinity
        already at FLOOR settles a member, and the first member below it settles all."""
        if not self._parts_add_up:
            return self._farthest(doc, story)[1] >= FLOOR
        docs, window = self._docs, self.window
        by_concepts, by_names = self._by_concepts, self._by_names
        by_wording, by_numbers = self._by_wording, self._by_numbers
        hours, script = doc.hours, doc.script
        numbers = doc.numbers if doc.numbers else None
        concepts, names = doc.concepts, doc.names
        for member_id in story.members:
            member = docs.get(member_id)
            if member is None or abs(member.hours - hours) > window:
                continue
            common = len(numbers & member.numbers) if numbers is not None else 0
            shared = by_numbers * (common if common < 2 else 2)
            if shared >= _FLOOR:
                continue
            affinity = by_concepts * _dot(concepts, member.concepts)
            if affinity >= _FLOOR:
                continue
            affinity += by_names * _dot(names, member.names)
            if affinity >= _FLOOR:
                continue
            affinity += by_wording * (_dot_words(doc, member) if member.script == script else 0.0)
            if affinity + shared < _FLOOR:
                return False
        return True

    # --- comparing: explaining -----------------------------------------------------------

    def _candidates(self, doc: _Doc) -> list[Candidate]:
        """The stories within the window that share something with the article, each with
        every part of the comparison."""
        candidates = []
        source = doc.source
        assert source is not None  # (a prepared article, not yet filed)
        mentions = self.entities.find(source.title, source.lead)
        for story in sorted(self._proposed(doc), key=_story_id):
            gap = story.first - doc.hours if doc.hours < story.first else doc.hours - story.last
            if gap <= self.window:
                candidates.append(self._compare(doc, story, max(gap, 0.0), mentions))
        return candidates

    def _compare(
        self, doc: _Doc, story: _Story, gap: float, mentions: Sequence[Mention]
    ) -> Candidate:
        model = self.model
        if doc.countries and story.countries and not doc.countries & story.countries:
            conflict = (doc.countries, frozenset(story.countries))
            return Candidate(story.id, Parts(0, 0, 0, False, 0, gap, 0), conflict, (), frozenset())
        names = story.names.cosine(doc.names)
        if names:
            mentioned = story.mentioned
            weights = zip(doc.name_keys, doc.name_weights, strict=True)
            mass = sum([w for e, w in weights if e in mentioned])
            names *= mass / (mass + NAME_MASS)
        concepts = story.concepts.cosine(doc.concepts)
        numbers = doc.numbers & story.numbers if doc.numbers else frozenset()
        countries = _jaccard(doc.countries, story.countries)
        words = story.words.get(doc.script)
        wording = 0.0 if words is None else words.cosine_words(doc)
        parts = Parts(concepts, names, wording, words is not None, len(numbers), gap, countries)
        farthest = None
        if parts.probability(model) >= self.threshold:
            far = self._farthest(doc, story)
            farthest = far if far[1] < _INF else None
        shared = tuple(m for m in mentions if m.entity.number in story.mentioned)
        return Candidate(story.id, parts, None, shared, frozenset(numbers), farthest)

    def _farthest(self, doc: _Doc, story: _Story) -> tuple[int, float]:
        """The story's article within the window the new one has least in common with,
        and their affinity."""
        farthest = (story.id, _INF)
        model, docs, window = self.model, self._docs, self.window
        hours, script, numbers = doc.hours, doc.script, doc.numbers
        concepts, names = doc.concepts, doc.names
        for member_id in story.members:
            member = docs.get(member_id)
            if member is None or abs(member.hours - hours) > window:
                continue
            # Parts(...).affinity(model), without building the Parts: the same sum
            affinity = (
                model.concepts * _dot(concepts, member.concepts)
                + model.names * _dot(names, member.names)
                + model.wording * (_dot_words(doc, member) if member.script == script else 0.0)
                + model.numbers * min(len(numbers & member.numbers), 2)
            )
            if affinity < farthest[1]:
                farthest = (member_id, affinity)
        return farthest

    # --- the index -----------------------------------------------------------------------

    def _prepare(self, doc: StoryDoc, count: bool = True) -> _Doc:
        """The article's vectors, weighted by the IDF of the index with it counted."""
        f = features(doc.title, doc.lead, self.entities)
        script, numbers, countries, counts = f.script, f.numbers, f.countries, f.words
        terms = self._terms
        entity_terms, canon = self._entity_terms, self._canon
        entities: list[int] = []
        extra = 0 if count else 1  # an article not counted still counts for its own IDF
        n = float(len(self._docs) + 1)
        kinds = self._kinds
        counted: list[_Term] = []  # (each of its entities once)
        names: dict[Key, float] = {}
        concepts: dict[Key, float] = {}
        named: list[Key] = []
        named_terms: list[_Term] = []
        name_weights: list[float] = []
        norm2 = concept_norm2 = 0.0  # (the squares added in order)
        # A story is found by any of its names (countries aside), words and numbers; an
        # article looks it up by its rarest names and words among those seen before (one no
        # other article has finds nothing) and its numbers. Across scripts, which have no
        # words in common, a country named with a concept finds it too (Türkiye, earthquake).
        # The RARE_NAMES names counted least of those counted more than `seen` (ties in
        # order), then the RARE_WORDS words: each key's df and place as one number, the
        # least kept in order in a C array as they come (_keep: no lists to sort)
        seen = 1 - extra
        rare = cython.declare(cython.longlong[8])
        found = 0
        mentioned = f.entities
        places = len(mentioned)  # (more than the names' places)
        for e, c in mentioned.items():
            number = e
            term = entity_terms[number]
            if term is not None:
                # (the index's int object of the number: its dicts find it by identity)
                entity = canon[number]
            elif count:
                term = entity_terms[number] = _new_term()
                entity = canon[number] = e
            else:  # (not in the index: nothing there has it)
                term, entity = _ABSENT, e
            entities.append(entity)
            if count:
                term.df += 1
                counted.append(term)
            df = term.df
            # 1 + log(c): the term weight of a thing named c times
            tf = _TF[c] if c < _TF_SIZE else 1 + math.log(c)
            weight = tf * math.log(1 + n / (df + extra))
            kind = kinds[number]
            if kind == _UNSEEN:
                kind = kinds[number] = _KIND_CODES.get(self.entities.entities[number].kind, _NAME)
            if kind == _CONCEPT:
                concepts[entity] = weight
                concept_norm2 += weight * weight
            elif kind == _NAME:
                if df > seen:
                    found = _keep(rare, found, _RARE_NAMES, df * places + len(named))
                names[entity] = weight
                named.append(entity)
                named_terms.append(term)
                name_weights.append(weight)
                norm2 += weight * weight
        name_units: list[float] = []
        if norm2:  # the unit vector, in place
            norm = math.sqrt(norm2)
            for key, weight in names.items():
                unit = weight / norm
                names[key] = unit
                name_units.append(unit)
        lookups: list[_Term] = []
        for at in range(found):
            lookups.append(named_terms[rare[at] % places])
        size = len(counts)
        # (filled in place: cheaper than appending; a word not in the index is _ABSENT, in
        # no story and no other article, however many such words it has)
        word_terms: list[_Term] = [_ABSENT] * size
        # their weights, then their unit weights in place (through a pointer, compiled)
        units = _NO_UNITS * size
        slots = units.data.as_doubles if cython.compiled else units  # type: ignore[attr-defined]
        found = 0
        norm2 = 0.0
        i = 0
        for word, c in counts.items():
            term = terms.get(word, _ABSENT)
            if count:
                if term is _ABSENT:
                    term = terms[word] = _new_term()
                term.df += 1
            df = term.df
            tf = _TF[c] if c < _TF_SIZE else 1 + math.log(c)
            weight = tf * math.log(1 + n / (df + extra))
            word_terms[i] = term
            slots[i] = weight
            norm2 += weight * weight
            if df > seen:
                found = _keep(rare, found, _RARE_WORDS, df * size + i)
            i += 1  # noqa: SIM113 (compiled, enumerate() makes a tuple per word)
        if norm2:  # (their unit vector, or them as they are)
            norm = math.sqrt(norm2)
            for i in range(size):
                weight = slots[i]
                slots[i] = weight / norm
        for at in range(found):
            lookups.append(word_terms[rare[at] % size])
        # (an article not counted is not added either: it offers no keys)
        keys: list[_Term] = _NO_TERMS
        if count:
            keys = named_terms  # (no longer needed as such: its rarest are looked up)
        if numbers:
            for x in numbers:
                tag = "#" + x
                term = terms.get(tag, _ABSENT)
                if count:
                    if term is _ABSENT:
                        term = terms[tag] = _new_term()
                    keys.append(term)
                lookups.append(term)
        if countries and concepts:
            # the pair's key in the article's script, and the same pair's in the other
            pairs = self._pairs
            own = pairs.get(script)
            if own is None:
                own = pairs[script] = {}
            theirs = pairs.get("latin" if script == "ar" else "ar", _NO_PAIRS)
            for country in countries:
                mine = own.get(country)
                if mine is None:
                    mine = own[country] = {}
                other = theirs.get(country, _NO_PAIR_TERMS)
                for concept in concepts:
                    if count:
                        term = mine.get(concept, _ABSENT)
                        if term is _ABSENT:
                            term = mine[concept] = _new_term()
                            self._pair_count += 1
                        keys.append(term)
                    lookups.append(other.get(concept, _ABSENT))
        if concept_norm2:  # the concepts' unit vector, in place
            norm = math.sqrt(concept_norm2)
            for key, weight in concepts.items():
                concepts[key] = weight / norm
        else:
            concepts = {}
        prepared = _Doc.__new__(_Doc)  # (see _new_story)
        prepared.id = doc.id
        prepared.source = doc
        prepared.hours = hours(doc.published_at)
        prepared.script = script
        prepared.numbers = numbers
        prepared.countries = countries
        prepared.concepts = concepts
        prepared.names = names
        prepared.name_keys = tuple(named)
        prepared.name_units = tuple(name_units)
        prepared.name_weights = tuple(name_weights)
        prepared.word_keys = tuple(word_terms)
        prepared.word_units = units
        prepared.words = None
        prepared.entities = entities
        prepared.terms = tuple(counted)  # (a tuple of records: the garbage collector drops it)
        prepared.keys = keys
        prepared.lookups = lookups
        prepared.story_id = 0
        return prepared

    def _insert(self, doc: _Doc, story_id: int) -> None:
        doc.story_id = story_id
        story = self._stories.get(story_id)
        at = doc.hours
        if story is None:
            story = self._stories[story_id] = _new_story(story_id, at)
        if at < story.first:  # min(story.first, at)
            story.first = at
        if at > story.last:  # max(story.last, at)
            story.last = at
        story.members.append(doc.id)
        story.concepts.add(doc.concepts)
        story.names.add(doc.names)
        script = doc.script
        words = story.words.get(script)
        if words is None:
            words = story.words[script] = _new_vector()
        words.add_words(doc, story)
        if doc.numbers:
            story.numbers |= doc.numbers  # (in place: no method to look up, as update has)
        if doc.countries:
            story.countries |= doc.countries
        mentioned = story.mentioned
        for e in doc.entities:
            mentioned[e] = None
        held = story.terms
        size = len(held)
        for term in doc.keys:
            held.setdefault(term)  # (one look-up, whether or not the story has it)
            if len(held) != size:
                size += 1
                _own(term, story)
        # What comparing a later article with this one does not read, let go: fewer
        # objects, less memory between the ones it does read
        doc.keys = doc.lookups = _NO_TERMS
        doc.entities = _NO_NUMBERS
        doc.name_keys = doc.name_units = doc.name_weights = ()
        doc.countries = _NO_COUNTRIES
        doc.source = None
        self._docs[doc.id] = doc
        if at > self._newest:  # max(self._newest, at)
            self._newest = at

    def _forget(self) -> None:
        """Drop the articles older than the horizon, and the stories that ended before it."""
        cutoff = self._newest - self.horizon
        docs, stories = self._docs, self._stories
        gone: list[_Doc] = []  # (the oldest added: a dict keeps the order it was given)
        for doc in docs.values():
            if doc.hours >= cutoff:
                break
            gone.append(doc)
        for doc in gone:
            del docs[doc.id]
            for term in doc.terms:
                term.df -= 1
            for term in doc.word_keys:
                term.df -= 1
            story = stories.get(doc.story_id)
            if story is not None and story.last < cutoff:
                del stories[story.id]
                for term in story.terms:
                    _disown(term, story)
                for words in story.words.values():
                    for term in words.weights:  # type: ignore[assignment]  # (words' keys)
                        _disown(term, story)
        if len(self._terms) + self._pair_count > self._sweep_at:
            # now and then, the keys nothing has any more (a pair's counts for no article)
            self._terms = {
                key: t for key, t in self._terms.items() if t.df or t.owner is not None or t.owners
            }
            self._pair_count = 0
            for own in self._pairs.values():
                for country, mine in own.items():
                    kept = {
                        concept: t for concept, t in mine.items() if t.owner is not None or t.owners
                    }
                    own[country] = kept
                    self._pair_count += len(kept)
            self._sweep_at = max(SWEEP_AT, 2 * (len(self._terms) + self._pair_count))


def _story_id(story: _Story) -> int:
    return story.id


def _sigmoid(z: float) -> float:
    # max(-30.0, min(30.0, z)), written out
    if z > 30.0:
        z = 30.0
    if z < -30.0:
        z = -30.0
    return 1 / (1 + math.exp(-z))


def _jaccard(a: frozenset[str] | set[str], b: frozenset[str] | set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _dot(a: dict[Key, float], b: dict[Key, float]) -> float:
    """The dot product, over the smaller of the two."""
    return _dot_in_order(a, b) if len(a) <= len(b) else _dot_in_order(b, a)


def _dot_in_order(a: dict[Key, float], b: dict[Key, float]) -> float:
    """sum([w * b.get(k, 0.0) for k, w in a.items()]): the same products added in the
    same order, so the same float, but without the zeros."""
    get, total = b.get, 0.0
    for k, w in a.items():
        other = get(k)
        if other is not None:
            value = other  # a C double where compiled (cluster.pxd)
            total += w * value
    return total


def _words_of(doc: _Doc) -> dict[_Term, float]:
    """The article's words' unit vector as a dict (made once, when first looked up in)."""
    words = doc.words
    if words is None:
        words = doc.words = dict(zip(doc.word_keys, doc.word_units, strict=True))
    return words


def _dot_words(a: _Doc, b: _Doc) -> float:
    """_dot(_words_of(a), _words_of(b)): over the smaller of the two, looked up in the other."""
    if len(a.word_keys) <= len(b.word_keys):
        return _dot_items(a.word_keys, a.word_units, _words_of(b))
    return _dot_items(b.word_keys, b.word_units, _words_of(a))


def _dot_items(keys: tuple[_Term, ...], units: array[float], b: dict[_Term, float]) -> float:
    """_dot_in_order(dict(zip(keys, units)), b)."""
    total = 0.0
    slots = units.data.as_doubles if cython.compiled else units  # type: ignore[attr-defined]
    for i in range(len(keys)):
        other = b.get(keys[i])
        if other is not None:
            w, value = slots[i], other  # C doubles where compiled (cluster.pxd)
            total += w * value
    return total


def _dot_items_weights(
    keys: tuple[_Term, ...], units: array[float], weights: dict[Coordinate, _Weight]
) -> float:
    """_dot_weights(dict(zip(keys, units)), weights)."""
    total = 0.0
    slots = units.data.as_doubles if cython.compiled else units  # type: ignore[attr-defined]
    for i in range(len(keys)):
        cell = weights.get(keys[i])
        if cell is not None:
            w, value = slots[i], cell.value  # C doubles where compiled (cluster.pxd)
            total += w * value
    return total


def _add_items(
    weights: dict[Coordinate, _Weight], keys: tuple[_Term, ...], units: array[float], story: _Story
) -> float:
    """_add_into(weights, dict(zip(keys, units))), the words of `story`: a key new to them
    has the story among its owners."""
    dot = 0.0
    slots = units.data.as_doubles if cython.compiled else units  # type: ignore[attr-defined]
    for i in range(len(keys)):
        term = keys[i]
        w = slots[i]  # (a C double where compiled)
        cell = weights.get(term)
        if cell is None:  # _add_one's, and the key's owner
            cell = _Weight.__new__(_Weight)
            cell.value = w
            weights[term] = cell
            _own(term, story)  # (the same again for a word of both scripts)
        else:
            value = cell.value
            cell.value = value + w
            dot += w * value
    return dot


def _dot_weights(unit: dict[Key, float], weights: dict[Coordinate, _Weight]) -> float:
    """_dot_in_order(unit, a story's weights)."""
    total = 0.0
    for key, w in unit.items():
        cell = weights.get(key)
        if cell is not None:
            value = cell.value  # a C double where compiled (cluster.pxd)
            total += w * value
    return total


def _add_into(weights: dict[Coordinate, _Weight], unit: dict[Key, float]) -> float:
    """weights[key] += w for each of the unit's (from 0.0), and the unit's dot product with
    the weights before (the same as _dot_weights): one pass for both."""
    dot = 0.0
    for key, w in unit.items():
        dot += _add_one(weights, key, w)
    return dot


def _add_one(weights: dict[Coordinate, _Weight], key: Coordinate, w: float) -> float:
    """weights[key] += w (from 0.0); the weight before, times w (0.0 for a new key)."""
    cell = weights.get(key)
    if cell is None:
        cell = _Weight.__new__(_Weight)
        cell.value = w
        weights[key] = cell
        return 0.0
    value = cell.value  # a C double where compiled (cluster.pxd)
    cell.value = value + w
    return w * value


def _keep(rare: list[int], found: int, limit: int, packed: int) -> int:
    """Put `packed` (a key's count and place, as one number) among the `found` least kept
    in order in `rare`, at most `limit` of them: how many are kept now. Fed each key as it
    comes, they are the keys counted least, ties in the order given (compiled, `rare` is a
    C array in the caller)."""
    if found < limit or packed < rare[found - 1]:
        at = found if found < limit else limit - 1
        while at > 0 and rare[at - 1] > packed:
            rare[at] = rare[at - 1]
            at -= 1
        rare[at] = packed
        if found < limit:
            found += 1
    return found


_INF = float("inf")
_BY_PUBLICATION = attrgetter("published_at", "id")  # (what a lambda would give, in C)
# 1 + log(c) for the small counts (the same float as computed each time)
_TF_SIZE = 16
# (C numbers where compiled: the same values)
_RARE_WORDS = RARE_WORDS
_RARE_NAMES = RARE_NAMES
_FLOOR = FLOOR
_NAME_MASS = NAME_MASS
_TF = [0.0] + [1 + math.log(c) for c in range(1, _TF_SIZE)]
_NAME, _CONCEPT, _COUNTRY = 0, 1, 2  # what an entity's weight goes to
_UNSEEN = 255  # (its kind not looked up yet: see StoryIndex._kinds)
_KIND_CODES = {"concept": _CONCEPT, "country": _COUNTRY}  # any other kind is a name
_NO_TERMS: list[_Term] = []
_NO_UNITS = array("d", [0.0])  # (times an article's number of words)
_NO_NUMBERS: list[int] = []
_NO_COUNTRIES: frozenset[str] = frozenset()
_ABSENT = _new_term()  # a key the index has not seen (never changed: see _prepare)
_NO_PAIR_TERMS: dict[Key, _Term] = {}
_NO_PAIRS: dict[str, dict[Key, _Term]] = {}


def assign_stories(
    pending: Sequence[StoryDoc],
    earlier: Iterable[StoryDoc],
    *,
    index: StoryIndex | None = None,
) -> dict[int, int]:
    """Story id for each pending article; `earlier` articles already have one."""
    index = StoryIndex() if index is None else index
    index.sync(earlier)
    return index.assign(pending)
