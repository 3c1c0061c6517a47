# cython: boundscheck=False, wraparound=False
# (compiled, indices go unchecked: codes, entries and topics index arrays sized for them,
# matches stay inside the padded texts `run` checks, the kept matches inside `capacity`)
"""One pass from the automaton's raw matches to the scores, with no Python object per match.

Classification's hot loop (bot.core.topics): each raw match of the automaton is
checked as `Matcher.scan` checks it, and what it accepts is tallied at once. Every
value of the matcher is a number (a code: a keyword's id, or a phrase's number after
the keywords), and what scoring needs per code (its entry, topic, weight and kind)
sits in flat arrays; per article, the entries' counts and best places and the topics'
scores sit in arrays too, reset through the list of what was touched. An article's
accepted matches are kept as three numbers each (code, start, end) in one array:
`Classification.matches` and the rules build Python tuples from it only when they
need them. A match that is not a plain whole word (one in eight here) has its affixes
checked as `bot.core.matcher._accept` checks them, as numbers where they are short.

Compiled by Cython (setup.py; C types in tally.pxd), the pass costs about 3 µs for an
article's ~50 raw matches (bench/classify.py's articles, caches warm: some 60 ns a
match, affix checks included), against 37 µs for `Matcher.scan`'s loop and 15 µs for
the tally it fed before; uncompiled, the same source runs as plain Python and gives the
same results (bench/same_results.py checks both).
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from typing import Any

from bot.core.codes import Codes
from bot.core.rules import CompiledRule, Context, window
from bot.core.spaces import space_after, space_before

TITLE_PLACE = 3.0  # bot.core.topics.TITLE_WEIGHT (a test checks they agree)
BODY_PLACE = 1.0  # bot.core.topics.BODY_WEIGHT
ACTOR_PLACE = 2.0  # bot.core.topics.ACTOR_WEIGHT
ACTOR_LIFT = ACTOR_PLACE - BODY_PLACE
ACTOR_WITHIN = 2  # bot.core.topics.ACTOR_WITHIN
REPEAT_LIMIT = 4  # bot.core.topics._REPEAT_LIMIT
# What the n-th mention of an entry adds (bot.core.topics._REPEAT_STEPS)
REPEAT_STEPS = (0.0, 0.0, 0.5, 0.5)
# (Tally._add writes these numbers out; tests/core/test_classification_tally.py checks
# that they are bot.core.topics' own.)


class Tally:
    """One article's tally, on arrays reused article after article (a classifier keeps
    a pool of them: a thread takes one for itself, so two never share one).

    After `run`: per entry hit (`hit_entities`, in the order first hit) its count and
    best place; per topic hit (`hit_topics`, in the order first hit) its score, whether
    the headline named it, what its names in the text would add as actors; the
    accepted matches (`matches`, title first: `size` of them, `n_title` in the title);
    `marks`: HELD if a held keyword was hit, USED if a phrase rules use was seen."""

    def __init__(self, codes: Codes) -> None:
        self.most = codes.most
        self.rows = codes.rows
        self.whole_at = codes.whole_at
        self.whole_codes = codes.whole_codes
        self.stems = codes.stems
        self.longest_prefix = codes.longest_prefix
        self.longest_suffix = codes.longest_suffix
        self.form_at = codes.form_at
        self.form_code = codes.form_code
        self.form_affixes = codes.form_affixes
        self.affix_keys = codes.affix_keys
        self.numbered = codes.numbered
        self.matcher = codes.matcher
        self.info = codes.info
        self.keywords = codes.keywords
        self.patterns = codes.patterns
        self.shorter = codes.matcher._shorter  # the matcher's cache of `Matcher.shorter`
        self.entity_topic = codes.entity_topic
        self.entity_name = codes.entity_name
        self.entity_weight = codes.entity_weight
        self.n_all_entities = codes.entities
        self.thresholds = codes.thresholds
        self.rules_at = codes.rules_at
        self.rule_numbers = codes.rule_numbers
        self.rule_flags = codes.rule_flags
        self.ignores = codes.ignores
        self.uses_at = codes.uses_at
        self.use_rule = codes.use_rule
        self.use_role = codes.use_role
        self.roles = array("i", bytes(4 * codes.rules))  # per rule: its phrases seen
        self.is_armed = array("i", bytes(4 * codes.rules))  # per rule: `armed` returned it
        self.held_at = codes.held_at
        self.held_rules = codes.held_rules
        self.actor_lengths: frozenset[bytes] | None = None  # the actor words measured
        self.shortest_actor = 1
        self.longest_actor = 0
        self.count = array("i", bytes(4 * codes.entities))
        self.best = array("d", bytes(8 * codes.entities))
        self.raw = array("d", bytes(8 * codes.topics))
        self.lift = array("d", bytes(8 * codes.topics))
        self.head = array("i", bytes(4 * codes.topics))
        self.touched = array("i", bytes(4 * codes.topics))
        self.order = array("i", bytes(4 * codes.topics))
        self.capacity = 0
        self.found_array = array("i")
        self.found = self.found_array
        self.entities_array = array("i")
        self.entities = self.entities_array
        self.size = self.n_title = self.n_entities = self.n_topics = self.marks = 0

    def run(self, raw_title: list[Any], title: bytes, raw_text: list[Any], text: bytes) -> int:
        """Tally an article from the automaton's raw matches in its padded title and text;
        the marks (see the class)."""
        if not (
            title.startswith(b" ")
            and title.endswith(b" ")
            and text.startswith(b" ")
            and text.endswith(b" ")
        ):
            raise ValueError("title and text must be padded with a space at each end")
        need = (len(raw_title) + len(raw_text)) * self.most
        if need > self.capacity:
            self.capacity = max(need, 2 * self.capacity, 64)
            self.found_array = array("i", bytes(12 * self.capacity))
            self.found = self.found_array
            self.entities_array = array("i", bytes(4 * self.capacity))
            self.entities = self.entities_array
        self._part(raw_title, title, True)
        self.n_title = self.size
        self._part(raw_text, text, False)
        return self.marks

    def _part(self, raw: list[Any], text: bytes, in_title: bool) -> int:
        """`Matcher.scan`'s loop (bot.core.matcher._scan), each accepted match tallied."""
        rows, whole_at, whole_codes = self.rows, self.whole_at, self.whole_codes
        for pid, start, end in raw:
            at = pid * 8  # offset, edge, tail, stem, whole, single
            whole = rows[at + 4]
            if whole >= 0 and text[start + rows[at + 1]] == 32 and text[end] == 32:
                first = start + rows[at]
                last = end - rows[at + 2]
                if rows[at + 5] >= 0:
                    self._add(rows[at + 5], first, last, in_title)
                    continue
                for i in range(whole_at[whole], whole_at[whole + 1]):
                    self._add(whole_codes[i], first, last, in_title)
            else:
                self._accept(text, pid, start, end, in_title)
        return 0

    def _accept(self, text: bytes, pid: int, start: int, end: int, in_title: bool) -> int:
        """`bot.core.matcher._accept` for one raw match that is not a plain whole word:
        tally what its affixes allow; when the longest match is rejected, the longest
        shorter stem it begins with that is accepted."""
        at = pid * 8
        start += self.rows[at]
        end -= self.rows[at + 2]
        word = start if text[start - 1] == 32 else space_before(text, start) + 1
        if self._accept_stem(self.rows[at + 3], text, word, start, end, in_title):
            return 0
        shorter = self.shorter.get(pid)
        for sid in self.matcher.shorter(pid) if shorter is None else shorter:
            s_end = start + len(self.patterns[sid]) - self.rows[sid * 8]
            if self._accept_stem(self.rows[sid * 8 + 3], text, word, start, s_end, in_title):
                return 0
        return 0

    def _accept_stem(
        self, stem: int, text: bytes, word: int, start: int, end: int, in_title: bool
    ) -> bool:
        """`bot.core.matcher._accept_stem`: tally the codes of the forms of one stem at
        [start, end) that accept the prefix of its word (which begins at `word`) and the
        rest of the word as suffix; whether any did. A prefix or suffix longer than every
        form of the stem allows (two rejections in five) is not even sliced."""
        if start - word > self.longest_prefix[stem]:
            return False
        last = end
        if text[end] != 32:
            last = space_after(text, end)
            if last - end > self.longest_suffix[stem]:
                return False
        accepted = False
        if self.numbered[stem]:  # the affixes as numbers: no bytes object, no hashing
            prefix_key = 1
            for k in range(word, start):
                prefix_key = prefix_key * 256 + text[k]
            suffix_key = 1
            for k in range(end, last):
                suffix_key = suffix_key * 256 + text[k]
            for f in range(self.form_at[stem], self.form_at[stem + 1]):
                if self._among(4 * f, prefix_key) and self._among(4 * f + 2, suffix_key):
                    self._add(self.form_code[f], start, end, in_title)
                    accepted = True
            return accepted
        prefix = b"" if word == start else text[word:start]
        suffix = b"" if last == end else text[end:last]
        for prefixes, suffixes, code in self.stems[stem]:
            if prefix in prefixes and suffix in suffixes:
                self._add(code, start, end, in_title)
                accepted = True
        return accepted

    def _among(self, at: int, key: int) -> bool:
        """Whether `key` is in the affix range at `form_affixes[at]` (a binary search)."""
        lo = self.form_affixes[at]
        if lo < 0:
            return True  # any affix
        hi = self.form_affixes[at + 1]
        while lo < hi:
            mid = (lo + hi) // 2
            if self.affix_keys[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        return lo < self.form_affixes[at + 1] and self.affix_keys[lo] == key

    def _add(self, code: int, start: int, end: int, in_title: bool) -> int:
        """Record one accepted match and count it as bot.core.topics scores it. (Numbers
        written out: compiled, a module constant would be a Python lookup. Flags: 1 NAME,
        2 HELD, 4 PHRASE, 8 USED; places: 3.0 TITLE_PLACE, 1.0 BODY_PLACE; a repeat
        adds REPEAT_STEPS[n], 0.5, below REPEAT_LIMIT, 4; ACTOR_LIFT is 1.0.)"""
        at = self.size * 3
        self.found[at] = code
        self.found[at + 1] = start
        self.found[at + 2] = end
        self.size += 1
        flags = self.info[4 * code + 2]
        if flags & 4:  # PHRASE
            if flags & 8:  # USED
                self.marks |= 8
            return 0
        if flags & 2:  # HELD
            self.marks |= 2
        entity = self.info[4 * code]
        topic = self.info[4 * code + 1]
        weight = self.entity_weight[entity]
        n = self.count[entity]
        if n:
            n += 1
            self.count[entity] = n
            if n < 4:  # REPEAT_LIMIT
                self.raw[topic] += 0.5 * weight
            return 0
        self.count[entity] = 1
        place = 3.0 if in_title else 1.0
        self.best[entity] = place
        self.entities[self.n_entities] = entity
        self.n_entities += 1
        if not self.touched[topic]:
            self.touched[topic] = 1
            self.order[self.n_topics] = topic
            self.n_topics += 1
        self.raw[topic] += place * weight
        if in_title:
            self.head[topic] = 1
        elif flags & 1:  # NAME
            self.lift[topic] += 1.0 * weight
        return 0

    def reset(self) -> None:
        """Zero what the last article touched."""
        for i in range(self.n_entities):
            entity = self.entities[i]
            self.count[entity] = 0
            self.best[entity] = 0.0
        for i in range(self.n_topics):
            topic = self.order[i]
            self.raw[topic] = 0.0
            self.lift[topic] = 0.0
            self.head[topic] = 0
            self.touched[topic] = 0
        if self.marks:
            for i in range(len(self.is_armed)):
                self.is_armed[i] = 0
        self.size = self.n_title = self.n_entities = self.n_topics = self.marks = 0

    def scores(self, topic_ids: list[str]) -> tuple[dict[str, float], set[str], dict[str, float]]:
        """Per topic hit, in the order first hit: its score; the headline's topics; per
        topic whose names were hit in the text, the actor lift."""
        raw: dict[str, float] = {}
        headline: set[str] = set()
        lift: dict[str, float] = {}
        for i in range(self.n_topics):
            topic = self.order[i]
            topic_id = topic_ids[topic]
            raw[topic_id] = self.raw[topic]
            if self.head[topic]:
                headline.add(topic_id)
            if self.lift[topic] != 0.0:
                lift[topic_id] = self.lift[topic]
        return raw, headline, lift

    def names_left(self, topic: int, ignore: frozenset[int], less: dict[int, int] | None) -> bool:
        """Whether a name of `topic` outside the entries `ignore` keeps a hit, once `less`
        (per entry, the hits set aside) is taken off."""
        for k in range(self.n_entities):
            entity = self.entities[k]
            if (
                self.entity_topic[entity] == topic
                and self.entity_name[entity]
                and self.count[entity] > 0
                and entity not in ignore
                and (less is None or self.count[entity] > less.get(entity, 0))
            ):
                return True
        return False

    def take_off(
        self,
        ignored: Mapping[tuple[bool, int], int],
        lost: dict[int, int],
        raw: dict[str, float],
        headline: set[str],
        lift: dict[str, float],
        topic_ids: list[str],
    ) -> None:
        """Take the hits set aside (`lost`: per entry, how many) off their entries' counts
        and places, and the topics' scores, as if they had not been counted. (Numbers
        written out as in `_add`; REPEAT_BONUS 0.5, REPEAT_BONUS_CAP 1.0.)"""
        for entity, n in lost.items():
            topic = self.entity_topic[entity]
            topic_id = topic_ids[topic]
            weight = self.entity_weight[entity]
            name = self.entity_name[entity]
            place = self.best[entity]
            mentions = self.count[entity]
            raw[topic_id] -= (place + min(0.5 * (mentions - 1), 1.0)) * weight
            if name and place == 1.0:
                lift[topic_id] -= 1.0 * weight
            mentions -= n
            self.count[entity] = mentions
            if not mentions:  # the entry no longer counts
                self.best[entity] = 0.0
                left = False
                for k in range(self.n_entities):
                    other = self.entities[k]
                    if self.count[other] > 0 and self.entity_topic[other] == topic:
                        left = True
                        break
                if not left:
                    del raw[topic_id]
                    lift.pop(topic_id, None)
                    headline.discard(topic_id)
                    continue
            else:
                if place == 3.0:  # still in the headline?
                    still = False
                    for i in range(self.n_title):
                        code = self.found[3 * i]
                        if (
                            code < self.keywords
                            and self.info[4 * code] == entity
                            and (True, self.found[3 * i + 1]) not in ignored
                        ):
                            still = True
                            break
                    if not still:
                        place = 1.0
                        self.best[entity] = place
                raw[topic_id] += (place + min(0.5 * (mentions - 1), 1.0)) * weight
                if name and place == 1.0:
                    lift[topic_id] = lift.get(topic_id, 0.0) + 1.0 * weight
            if topic_id in headline:
                named = False
                for k in range(self.n_entities):
                    other = self.entities[k]
                    if (
                        self.count[other] > 0
                        and self.best[other] == 3.0
                        and self.entity_topic[other] == topic
                    ):
                        named = True
                        break
                if not named:
                    headline.discard(topic_id)

    def kept(self) -> array[int]:
        """The accepted matches, three numbers each (code, start, end), title first."""
        return self.found_array[: 3 * self.size]

    def armed(self) -> set[int]:
        """The rules that may set something aside here (`Classifier._armed`, on the arrays:
        a rule only takes evidence away, so it matters for a topic that would be assigned,
        where its spellings and its `when` or `near` phrases are, and an `alone` rule where
        the topic has no other name)."""
        armed: set[int] = set()
        if not self.marks:
            return armed
        roles, keywords = self.roles, self.keywords
        if self.marks & 8:  # USED: the rules whose phrases were seen
            for i in range(self.size):
                code = self.found[3 * i]
                if self.info[4 * code + 2] & 8:
                    for u in range(
                        self.uses_at[code - keywords], self.uses_at[code - keywords + 1]
                    ):
                        roles[self.use_rule[u]] |= self.use_role[u]
        size = self.n_all_entities
        for j in range(self.n_topics):
            topic = self.order[j]
            if self.raw[topic] < self.thresholds[topic]:
                continue
            for r in range(self.rules_at[topic], self.rules_at[topic + 1]):
                number = self.rule_numbers[r]
                flags = self.rule_flags[number]
                if (flags & 1 and not roles[number] & 1) or (flags & 2 and not roles[number] & 2):
                    continue
                base = number * size
                hit = False
                for k in range(self.n_entities):
                    if self.ignores[base + self.entities[k]]:
                        hit = True
                        break
                if not hit:
                    continue
                if flags & 4:  # alone: not where the topic has another name
                    other = False
                    for k in range(self.n_entities):
                        entity = self.entities[k]
                        if (
                            self.entity_topic[entity] == topic
                            and self.entity_name[entity]
                            and not self.ignores[base + entity]
                        ):
                            other = True
                            break
                    if other:
                        continue
                armed.add(number)
                self.is_armed[number] = 1
        if self.marks & 8:
            for i in range(len(roles)):
                roles[i] = 0
        return armed

    def phrases(self, values: list[Any]) -> list[tuple[Context, bool, int, int]]:
        """The phrases rules use that were seen: (phrase, in title, start, end)."""
        seen = []
        for i in range(self.size):
            code = self.found[3 * i]
            if self.info[4 * code + 2] & 8:  # USED
                at = 3 * i
                start, end = self.found[at + 1], self.found[at + 2]
                seen.append((values[code], i < self.n_title, start, end))
        return seen

    def held(self, values: list[Any]) -> list[tuple[Any, bool, int, int]]:
        """The hits of held keywords that a rule `armed` returned names: (keyword, in
        title, start, end)."""
        held = []
        for i in range(self.size):
            code = self.found[3 * i]
            if self.info[4 * code + 2] & 2:  # HELD
                for r in range(self.held_at[code], self.held_at[code + 1]):
                    if self.is_armed[self.held_rules[r]]:
                        at = 3 * i
                        start, end = self.found[at + 1], self.found[at + 2]
                        held.append((values[code], i < self.n_title, start, end))
                        break
        return held

    def near_hits(
        self,
        values: list[Any],
        rules: list[CompiledRule],
        parts: tuple[bytes, bytes],
    ) -> list[tuple[int, tuple[Any, bool, int, int]]]:
        """`RuleBook.near_hits` over the kept matches: (rule, hit) for each hit of a `near`
        rule's spellings by one of its phrases, for the rules `armed` returned."""
        found: list[tuple[int, tuple[Any, bool, int, int]]] = []
        for p in range(self.size):
            code = self.found[3 * p]
            if not self.info[4 * code + 2] & 8:  # USED
                continue
            phrase = code - self.keywords
            in_title = p < self.n_title
            for u in range(self.uses_at[phrase], self.uses_at[phrase + 1]):
                number = self.use_rule[u]
                if self.use_role[u] != 2 or not self.is_armed[number]:  # NEAR_ROLE
                    continue
                compiled = rules[number]
                text = parts[0] if in_title else parts[1]
                lo, hi = window(
                    text, self.found[3 * p + 1], self.found[3 * p + 2], compiled.rule.within
                )
                first = 0 if in_title else self.n_title
                last = self.n_title if in_title else self.size
                ignore = compiled.ignore
                i = first
                if lo >= 0:  # the first match ending after `lo` (ends only grow)
                    while i < last and self.found[3 * i + 2] <= lo:
                        i += 1
                while i < last:
                    start = self.found[3 * i + 1]
                    if start > hi:
                        break
                    code = self.found[3 * i]
                    if code < self.keywords and code in ignore:
                        end = self.found[3 * i + 2]
                        found.append((number, (values[code], in_title, start, end)))
                    i += 1
        return found

    def boost_actors(
        self,
        text: bytes,
        raw: dict[str, float],
        candidates: set[str],
        ignored: Mapping[tuple[bool, int], int],
        actors: frozenset[bytes],
        topic_ids: list[str],
    ) -> set[int]:
        """`Classifier._boost_actors` over the kept matches of the text: names of the
        candidate topics with an actor word among the ACTOR_WITHIN words around them
        weigh ACTOR_WEIGHT; which entries were lifted. (Numbers written out: 2.0 is
        ACTOR_PLACE.)"""
        for j in range(self.n_topics):
            topic = self.order[j]
            if topic_ids[topic] in candidates:
                self.touched[topic] = 2  # a candidate (`reset` zeroes it)
        lifted = set()
        for i in range(self.n_title, self.size):
            code = self.found[3 * i]
            if not self.info[4 * code + 2] & 1 or self.touched[self.info[4 * code + 1]] != 2:
                continue  # not a name of a candidate topic
            entity = self.info[4 * code]
            start = self.found[3 * i + 1]
            place = self.best[entity]
            if (
                self.count[entity] > 0
                and place < 2.0
                and (not ignored or (False, start) not in ignored)
                and self._by_actor(text, start, self.found[3 * i + 2], actors)
            ):
                weight = self.entity_weight[entity]
                raw[topic_ids[self.info[4 * code + 1]]] += (2.0 - place) * weight
                self.best[entity] = 2.0
                lifted.add(entity)
        return lifted

    def _by_actor(self, text: bytes, start: int, end: int, actors: frozenset[bytes]) -> bool:
        """An actor word among the ACTOR_WITHIN (2) words before the word holding
        [start, end) and the 2 after it (`bot.core.rules.words_around`): a word is sliced
        and looked up only if some actor word is as long."""
        if self.actor_lengths is not actors:
            self._measure(actors)
        shortest, longest = self.shortest_actor, self.longest_actor
        left = space_before(text, start)
        for _ in range(2):
            if left <= 0:
                break
            before = space_before(text, left)
            if shortest <= left - before - 1 <= longest and text[before + 1 : left] in actors:
                return True
            left = before
        right = space_after(text, end)
        last = len(text) - 1
        for _ in range(2):
            if right < 0 or right >= last:
                break
            after = space_after(text, right + 1)
            if shortest <= after - right - 1 <= longest and text[right + 1 : after] in actors:
                return True
            right = after
        return False

    def _measure(self, actors: frozenset[bytes]) -> None:
        """The shortest and longest actor word (once per set of actor words)."""
        self.actor_lengths = actors
        self.shortest_actor = min(map(len, actors), default=1)
        self.longest_actor = max(map(len, actors), default=0)
