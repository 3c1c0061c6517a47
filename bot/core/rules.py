"""Which hits a topic's rules set aside in one article.

A rule (see bot.core.catalog) names spellings to `ignore` and the conditions under
which they do not count, all of which must hold:

- `when`: one of its phrases is anywhere in the article (Georgia with Atlanta);
- `near`: one of its phrases is within `within` words of the hit, in the same
  title or text (الجالية الأرمنية، دينامو تبليسي، Armenian-American): only that hit
  goes, the same name elsewhere in the article still counts;
- `alone`: no other name of the topic counted (the adjective "Georgian" with
  nothing else of the country);

and none of its `unless` phrases is in the article (منتخب: a national team), nor
an `unless_near` word within `within` words of the hit (نظيره الأذربيجاني): those
are single words, looked up among the words around the hit.

Cost: an article pays only for the rules its phrases wake. A `near` rule starts
from its phrases and looks at the few words around each; `when` and `alone` rules
look at the hits of their spellings, which classification keeps aside for them
(`RuleBook.held`); the classifier asks only for the rules of topics that would
otherwise be assigned, since a rule can only take evidence away. Rules are tried
in catalog order; the first that applies is the one an explanation shows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.core.catalog import Rule
from bot.core.morphology import PROCLITICS
from bot.core.normalize import normalize_bytes
from bot.core.spaces import space_after, space_before

_ARTICLE = normalize_bytes("ال")

Role = Literal["when", "near", "unless"]
WHEN: Role = "when"
NEAR: Role = "near"
UNLESS: Role = "unless"


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    """A phrase that is no topic's evidence. It shadows the keywords inside it when it
    is a `not` phrase (`shadows`: that topic), serves rules (`uses`), or makes the name
    next to it an actor of the story (`actor`). One phrase, one value, whatever it does."""

    text: str
    uses: tuple[tuple[int, Role], ...] = ()  # (rule number, role)
    shadows: str = ""  # the topic whose `not` list holds the phrase, if one does
    actor: bool = False
    entity: int = -1  # not an entry of any topic
    id: int = -1  # not a keyword

    @property
    def rules(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(number for number, _ in self.uses))

    @property
    def topic_id(self) -> str:
        return self.shadows


class RuledKeyword(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def entity(self) -> int: ...


@dataclass(frozen=True)
class CompiledRule:
    topic_id: str
    rule: Rule
    ignore: frozenset[int]  # keyword ids
    ignore_entities: frozenset[int] = frozenset()
    rescue: frozenset[bytes] = frozenset()  # `unless_near` words, normalized, with proclitics


Hit = tuple[RuledKeyword, bool, int, int]  # keyword, in title, start, end
RuleHit = Hit
Seen = tuple[Context, bool, int, int]
Span = tuple[bool, int, int]  # in title, start, end


class RuleBook:
    """Every topic's rules, and the decision on the hits they name."""

    def __init__(self) -> None:
        self.rules: list[CompiledRule] = []
        self._of: dict[int, list[int]] = {}  # keyword id -> its `when`/`alone` rules
        self.held: frozenset[int] = frozenset()  # keyword ids to keep aside for those
        self._standing: set[int] = set()  # rules that need no phrase to apply
        # per rule, for `decide`: alone, needs a `when` phrase, within, its `unless_near`
        # words, has `unless` phrases
        self._terms: list[tuple[bool, bool, int, frozenset[bytes], bool]] = []

    def add(
        self,
        topic_id: str,
        rule: Rule,
        by_spelling: Mapping[str, Sequence[int]],
        entity_of: Mapping[int, int],
    ) -> int:
        """Compile a rule of `topic_id` (its spellings -> keyword ids); its number."""
        number = len(self.rules)
        ignore = frozenset(i for spelling in rule.ignore for i in by_spelling.get(spelling, ()))
        entities = frozenset(entity_of[i] for i in ignore)
        compiled = CompiledRule(topic_id, rule, ignore, entities, word_forms(rule.unless_near))
        self.rules.append(compiled)
        self._terms.append(
            (rule.alone, bool(rule.when), rule.within, compiled.rescue, bool(rule.unless))
        )
        if not rule.near:  # decided hit by hit, from the held hits
            for keyword_id in ignore:
                self._of.setdefault(keyword_id, []).append(number)
            self.held = frozenset(self._of)
            if not rule.when and not rule.near:
                self._standing.add(number)
        return number

    @property
    def held_rules(self) -> dict[int, list[int]]:
        """Per held keyword id, its `when` and `alone` rules (`rules_of`, as one dict)."""
        return self._of

    def rules_of(self, keyword_id: int) -> list[int]:
        """The `when` and `alone` rules that name a keyword."""
        return self._of.get(keyword_id, [])

    def decide(
        self,
        held: Sequence[Hit],
        near_hits: Sequence[tuple[int, Hit]],
        seen: Sequence[Seen],
        parts: tuple[bytes, bytes],
        others: Callable[[str, frozenset[int], Mapping[tuple[bool, int], int]], bool],
        later: Callable[[], Sequence[Seen]],
    ) -> dict[tuple[bool, int], int]:
        """(in title, start) -> rule, for the hits a rule sets aside.

        `held`: hits of spellings a `when` or `alone` rule names; `near_hits`: hits of a
        `near` rule's spellings by one of its phrases (the tally's `near_hits`); `seen`: the
        `when` and `near` phrases found; `parts`: the padded normalized title and text;
        `others(topic, entities, ignored)`: whether a name of the topic other than
        `entities` still counts once `ignored` hits are set aside;
        `later()`: the `unless` phrases, looked for only once a rule would otherwise apply.
        """
        when: set[int] = set()
        for context, _, _, _ in seen:
            for n, role in context.uses:
                if role == WHEN:
                    when.add(n)
        live = self._standing | when
        if not near_hits and not (held and live):
            return {}
        terms = self._terms
        stop = _Stop(terms, parts, later)
        ignored: dict[tuple[bool, int], int] = {}
        for number, hit in sorted(near_hits, key=_rule_of) if len(near_hits) > 1 else near_hits:
            key = (hit[1], hit[2])
            if key in ignored or (terms[number][1] and number not in when) or stop(number, hit):
                continue
            ignored[key] = number
        lonely: list[tuple[Hit, list[int]]] = []
        of = self._of
        for hit in held if live else ():
            keyword, in_title, start, _ = hit
            numbers = of[keyword.id]
            if live.isdisjoint(numbers) or (in_title, start) in ignored:
                continue
            waiting = []
            for number in numbers:
                if number not in live:
                    continue
                if terms[number][0]:  # alone
                    waiting.append(number)
                elif not stop(number, hit):
                    ignored[(in_title, start)] = number
                    break
            else:
                if waiting:
                    lonely.append((hit, waiting))
        if not lonely:
            return ignored
        decided = dict(ignored)  # `alone` looks at what the other rules left
        # An entry one of whose hits an `unless` word rescues is rescued everywhere in the
        # article: «جندي أرميني» in the headline is the country when the lead says «وزارة
        # الدفاع الأرمينية».
        applies: list[tuple[Hit, list[int]]] = []
        rescued: set[tuple[int, int]] = set()  # (rule, entry)
        for hit, waiting in lonely:
            numbers = []
            for number in waiting:
                compiled = self.rules[number]
                if others(compiled.topic_id, compiled.ignore_entities, decided):
                    continue
                if stop(number, hit):
                    rescued.add((number, hit[0].entity))
                else:
                    numbers.append(number)
            if numbers:
                applies.append((hit, numbers))
        for hit, numbers in applies:
            keyword, in_title, start, _ = hit
            for number in numbers:
                if (number, keyword.entity) not in rescued:
                    ignored[(in_title, start)] = number
                    break
        return ignored


class _Stop:
    """Whether an `unless` phrase is in the article, or an `unless_near` word is by the
    hit (the `unless` phrases looked for once, and only if a rule asks)."""

    def __init__(
        self,
        terms: list[tuple[bool, bool, int, frozenset[bytes], bool]],
        parts: tuple[bytes, bytes],
        later: Callable[[], Sequence[Seen]],
    ) -> None:
        self.terms = terms
        self.parts = parts
        self.later = later
        self.unless: set[int] | None = None

    def __call__(self, number: int, hit: Hit) -> bool:
        _, _, within, rescue, has_unless = self.terms[number]
        if rescue:
            _, in_title, start, end = hit
            text = self.parts[0] if in_title else self.parts[1]
            if not rescue.isdisjoint(words_around(text, start, end, within)):
                return True
        if not has_unless:
            return False
        if self.unless is None:
            self.unless = {
                n for context, _, _, _ in self.later() for n, role in context.uses if role == UNLESS
            }
        return number in self.unless


def _rule_of(near_hit: tuple[int, Hit]) -> int:
    return near_hit[0]


def word_forms(words: Iterable[str]) -> frozenset[bytes]:
    """Single words as the text may write them: normalized, with any proclitics in
    front (وزير، الوزير، ووزير، للوزير…)."""
    forms = set()
    for word in words:
        norm = normalize_bytes(word)
        if b" " in norm:
            raise ValueError(f"{word!r}: one word expected")
        for proclitic in (b"", *PROCLITICS):
            if not (proclitic.endswith(_ARTICLE) and norm.startswith(_ARTICLE)):
                forms.add(proclitic + norm)
    return frozenset(forms)


def words_around(text: bytes, start: int, end: int, words: int) -> list[bytes]:
    """The `words` words before the word holding [start, end) and the `words` after it."""
    found = []
    left = space_before(text, start)
    for _ in range(words):
        if left <= 0:
            break
        before = space_before(text, left)
        found.append(text[before + 1 : left])
        left = before
    right = space_after(text, end)
    last = len(text) - 1
    for _ in range(words):
        if right < 0 or right >= last:
            break
        after = space_after(text, right + 1)
        found.append(text[right + 1 : after])
        right = after
    return found


def window(text: bytes, start: int, end: int, words: int) -> tuple[int, int]:
    """(lo, hi): a span (s, e) of `text` is within `words` words of [start, end) when
    e > lo and s <= hi — at most `words` spaces lie between them."""
    lo = start
    for _ in range(words + 1):
        lo = space_before(text, lo)
        if lo < 0:
            break
    hi = end - 1
    for _ in range(words + 1):
        hi = space_after(text, hi + 1)
        if hi < 0:
            hi = len(text)
            break
    return lo, hi


def within_words(
    phrases: Sequence[Span], hit: Hit, parts: tuple[bytes, bytes], within: int
) -> bool:
    """A phrase (in title, start, end) within `within` words of the hit, in its part."""
    _, in_title, start, end = hit
    lo = hi = -2
    for p_title, p_start, p_end in phrases:
        if p_title != in_title:
            continue
        if hi == -2:
            lo, hi = window(parts[0] if in_title else parts[1], start, end, within)
        if p_end > lo and p_start <= hi:
            return True
    return False
