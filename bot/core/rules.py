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
an `unless_near` phrase within `within` words of the hit (نظيره الأذربيجاني).

The classifier defers only hits of spellings some rule names, so an article
without them pays nothing here. Rules are tried in catalog order; the first that
applies is the one an explanation shows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.core.catalog import Rule

Role = Literal["not", "when", "near", "unless", "unless_near", "actor"]
NOT: Role = "not"
WHEN: Role = "when"
NEAR: Role = "near"
UNLESS: Role = "unless"
UNLESS_NEAR: Role = "unless_near"
ACTOR: Role = "actor"  # a word that makes the name by it an actor («وزير», "minister")


@dataclass(frozen=True, slots=True, eq=False)
class Context:
    """A phrase that is no topic's evidence: it shadows shorter keywords or serves rules."""

    topic_id: str
    text: str
    rules: tuple[int, ...]  # indexes in RuleBook.rules; empty for a `not` phrase
    role: Role = NOT
    entity: int = -1  # not an entry of any topic
    id: int = -1  # not a keyword


class RuledKeyword(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def entity(self) -> int: ...

    @property
    def theme(self) -> bool: ...


@dataclass(frozen=True)
class CompiledRule:
    topic_id: str
    rule: Rule
    ignore: frozenset[int]  # keyword ids
    ignore_entities: frozenset[int] = frozenset()


Deferred = tuple[RuledKeyword, bool, int, int]  # keyword, in title, start, end
Seen = tuple[Context, bool, int, int]


class RuleBook:
    """Every topic's rules, and the decision on the hits they name."""

    def __init__(self) -> None:
        self.rules: list[CompiledRule] = []
        self._of: dict[int, list[int]] = {}  # keyword id -> rule numbers
        self.ruled: frozenset[int] = frozenset()

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
        self.rules.append(CompiledRule(topic_id, rule, ignore, entities))
        for keyword_id in ignore:
            self._of.setdefault(keyword_id, []).append(number)
        self.ruled = frozenset(self._of)
        return number

    def decide(
        self,
        deferred: Sequence[Deferred],
        seen: Sequence[Seen],
        parts: tuple[bytes, bytes],
        names: Mapping[str, set[int]],
    ) -> dict[tuple[bool, int], int]:
        """(in title, start) -> rule, for the deferred hits a rule sets aside.

        `seen`: the rule phrases found; `parts`: the padded normalized title and text;
        `names`: per topic, the name entries counted without any rule's say.
        """
        when: set[int] = set()
        unless: set[int] = set()
        near: dict[int, list[tuple[bool, int, int]]] = {}
        rescue: dict[int, list[tuple[bool, int, int]]] = {}
        for context, in_title, start, end in seen:
            for number in context.rules:
                if context.role == WHEN:
                    when.add(number)
                elif context.role == UNLESS:
                    unless.add(number)
                elif context.role == NEAR:
                    near.setdefault(number, []).append((in_title, start, end))
                else:
                    rescue.setdefault(number, []).append((in_title, start, end))
        ignored: dict[tuple[bool, int], int] = {}
        lonely: list[tuple[Deferred, list[int]]] = []
        kept: dict[str, set[int]] = {}  # name entries of deferred hits no rule set aside yet
        for hit in deferred:
            keyword, in_title, start, end = hit
            waiting = []
            for number in self._of[keyword.id]:
                compiled = self.rules[number]
                rule = compiled.rule
                if number in unless or (rule.when and number not in when):
                    continue
                if rule.near and not within_words(near.get(number, ()), hit, parts, rule.within):
                    continue
                if number in rescue and within_words(rescue[number], hit, parts, rule.within):
                    continue
                if rule.alone:
                    waiting.append(number)
                    continue
                ignored[(in_title, start)] = number
                break
            else:
                if waiting:
                    lonely.append((hit, waiting))
                elif not keyword.theme:
                    kept.setdefault(self.rules[self._of[keyword.id][0]].topic_id, set()).add(
                        keyword.entity
                    )
        for hit, waiting in lonely:
            keyword, in_title, start, _ = hit
            for number in waiting:
                compiled = self.rules[number]
                others = names.get(compiled.topic_id, set()) | kept.get(compiled.topic_id, set())
                if not others - compiled.ignore_entities:
                    ignored[(in_title, start)] = number
                    break
        return ignored


def within_words(
    phrases: Sequence[tuple[bool, int, int]],
    hit: Deferred,
    parts: tuple[bytes, bytes],
    within: int,
) -> bool:
    """A phrase (in title, start, end) within `within` words of the hit, in its part."""
    _, in_title, start, end = hit
    text = parts[0] if in_title else parts[1]
    for p_title, p_start, p_end in phrases:
        if p_title != in_title:
            continue
        if p_end <= start:
            gap = text.count(b" ", p_end, start)
        elif end <= p_start:
            gap = text.count(b" ", end, p_start)
        else:
            gap = 0  # overlapping
        if gap <= within:
            return True
    return False
