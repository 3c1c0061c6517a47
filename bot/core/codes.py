"""What a classifier's automaton and catalog say, as numbers, for its tally.

bot.core.tally counts an article's matches on C integers: every value of the matcher is
a number (a code: a keyword's id, then the phrases), and what scoring needs per code,
per entry, per topic and per rule sits here in flat arrays, built once per classifier.
Plain Python (not compiled: it runs once); the tally reads the arrays as C views.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from bot.core.matcher import Coded, Matcher

# Per code, `flags`: the kind of value it is.
NAME = 1  # a keyword of a name (not a theme word)
HELD = 2  # a keyword whose hits `when`/`alone` rules may set aside
PHRASE = 4  # a Context, not a keyword
USED = 8  # a Context that rules use (`when`, `near`)


class Codes:
    """What a classifier's matcher and catalog say per code, per entry, per topic and per
    rule, in flat arrays."""

    def __init__(
        self,
        matcher: Matcher[Any],
        coded: Coded,
        *,
        entity_of: Sequence[int],
        topic_of: Sequence[int],
        flags_of: Sequence[int],
        entities: Sequence[tuple[int, float, bool]],
        thresholds: Sequence[float],
        rules: Sequence[RuleTerms],
        uses: Sequence[Sequence[tuple[int, int]]],
        held_rules: Mapping[int, Sequence[int]],
    ) -> None:
        """Per code: its entry, topic number and flags; per entry: its topic number,
        weight (every spelling of an entry has its weight) and whether it is a name; per
        topic: its threshold; per rule its terms; per code of a phrase (the codes after
        the keywords), its (rule, WHEN_ROLE or NEAR_ROLE) uses; per held keyword's code,
        its `when` and `alone` rules."""
        if matcher._overlapping:
            raise ValueError("the tally reads a matcher of leftmost-longest matches")
        self.matcher = matcher
        self.patterns = matcher._patterns
        self.whole_at = coded.at
        self.whole_codes = coded.codes
        self.stems = coded.rules
        self.most = coded.most
        # per stem, the longest prefix and suffix any of its forms allows
        self.longest_prefix = array("i", [_longest(p for p, _, _ in f) for f in coded.rules])
        self.longest_suffix = array("i", [_longest(s for _, s, _ in f) for f in coded.rules])
        # The same forms as numbers, for a stem whose affixes are all short (`numbered`):
        # per stem its forms form_*[form_at[s] : form_at[s + 1]], each with its code and
        # its prefixes and suffixes as ranges of `affix_keys` (sorted; -1: any affix).
        self.form_at = array("i", [0])
        self.form_code = array("i")
        self.form_affixes = array("i")  # per form: prefix lo, hi, suffix lo, hi
        self.affix_keys = array("q")
        self.numbered = array("i")
        ranges: dict[int, tuple[int, int]] = {}
        for forms in coded.rules:
            short = True
            for prefixes, suffixes, code in forms:
                self.form_code.append(code)
                for allowed in (prefixes, suffixes):
                    if type(allowed) is not frozenset:  # bot.core.morphology.ANYTHING
                        self.form_affixes.extend((-1, -1))
                        continue
                    if any(len(affix) > 7 for affix in allowed):
                        short = False
                    if id(allowed) not in ranges:
                        lo = len(self.affix_keys)
                        self.affix_keys.extend(
                            sorted(_affix_key(a) for a in allowed if len(a) <= 7)
                        )
                        ranges[id(allowed)] = (lo, len(self.affix_keys))
                    self.form_affixes.extend(ranges[id(allowed)])
            self.form_at.append(len(self.form_code))
            self.numbered.append(int(short))
        # What a raw match and an accepted one read, each in one row (one cache line,
        # where the automaton's tables leave few): per pattern, the matcher's five numbers
        # (bot.core.matcher.Matcher.entries) and its code when it is a whole word of one
        # value (else -1); per code, its entry, topic number and flags.
        self.rows = array("i")
        for offset, edge, tail, stem, whole in matcher.entries:
            one = whole >= 0 and coded.at[whole + 1] - coded.at[whole] == 1
            single = coded.codes[coded.at[whole]] if one else -1
            self.rows.extend((offset, edge, tail, stem, whole, single, 0, 0))
        self.info = array("i")
        for entity, topic, flags in zip(entity_of, topic_of, flags_of, strict=True):
            self.info.extend((entity, topic, flags, 0))
        self.keywords = len(entity_of) - len(uses)
        self.entities = len(entities)
        self.entity_topic = array("i", [t for t, _, _ in entities])
        self.entity_weight = array("d", [w for _, w, _ in entities])
        self.entity_name = array("i", [int(name) for _, _, name in entities])
        self.topics = len(thresholds)
        self.thresholds = array("d", thresholds)
        # per topic, its rules' numbers: rule_numbers[rules_at[t] : rules_at[t + 1]]
        by_topic: list[list[int]] = [[] for _ in thresholds]
        for number, terms in enumerate(rules):
            by_topic[terms.topic].append(number)
        self.rules_at = array("i", [0])
        self.rule_numbers = array("i")
        for numbers in by_topic:
            self.rule_numbers.extend(numbers)
            self.rules_at.append(len(self.rule_numbers))
        self.rules = len(rules)
        # per rule: 1 needs a `when` phrase, 2 needs a `near` phrase, 4 `alone`; and the
        # entries it may set aside, as one byte per (rule, entry)
        self.rule_flags = array(
            "i",
            [(1 if r.when else 0) | (2 if r.near else 0) | (4 if r.alone else 0) for r in rules],
        )
        ignores = bytearray(len(rules) * len(entities))
        for number, terms in enumerate(rules):
            for entity in terms.ignore:
                ignores[number * len(entities) + entity] = 1
        self.ignores = array("b", bytes(ignores))
        # per keyword's code, the rules holding its hits: held_rules[held_at[c] : ...[c + 1]]
        self.held_at = array("i", [0])
        self.held_rules = array("i")
        for code in range(self.keywords):
            self.held_rules.extend(held_rules.get(code, ()))
            self.held_at.append(len(self.held_rules))
        # per phrase (code - keywords): its uses, use_rule[uses_at[p] : uses_at[p + 1]]
        self.uses_at = array("i", [0])
        self.use_rule = array("i")
        self.use_role = array("i")
        for phrase_uses in uses:
            for number, role in phrase_uses:
                self.use_rule.append(number)
                self.use_role.append(role)
            self.uses_at.append(len(self.use_rule))


def _affix_key(affix: bytes) -> int:
    """An affix of up to 7 bytes as one number: 1, then its bytes, in base 256."""
    key = 1
    for byte in affix:
        key = key * 256 + byte
    return key


def _longest(affixes: Iterable[frozenset[bytes]]) -> int:
    """The longest affix in these sets (one that allows anything: no limit)."""
    longest = 0
    for allowed in affixes:
        if type(allowed) is not frozenset:  # bot.core.morphology.ANYTHING
            return 1 << 30
        longest = max(longest, max(map(len, allowed), default=0))
    return longest


class RuleTerms(NamedTuple):
    """What decides whether a rule may apply to an article (`Tally.armed`)."""

    topic: int  # its topic's number
    when: bool  # needs one of its `when` phrases
    near: bool  # needs one of its `near` phrases
    alone: bool  # only where the topic has no other name
    ignore: frozenset[int]  # the entries it may set aside


WHEN_ROLE = 1
NEAR_ROLE = 2
