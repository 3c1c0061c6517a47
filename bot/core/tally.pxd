# C types for Cython's compilation of tally.py (pure-Python mode, see setup.py).
import cython
from bot.core.rules cimport window
from bot.core.spaces cimport space_after, space_before

cdef class Tally:
    cdef Py_ssize_t most
    cdef int[::1] rows, info, whole_at, whole_codes
    cdef list stems, patterns
    cdef dict shorter
    cdef object matcher
    cdef Py_ssize_t keywords, n_all_entities
    cdef int[::1] entity_topic, entity_name, rules_at, rule_numbers, rule_flags, uses_at
    cdef int[::1] use_rule, use_role, roles, longest_prefix, longest_suffix
    cdef int[::1] is_armed, held_at, held_rules, form_at, form_code, form_affixes, numbered
    cdef long long[::1] affix_keys
    cdef signed char[::1] ignores
    cdef double[::1] thresholds, entity_weight
    cdef int[::1] count, head, touched, order, found, entities
    cdef double[::1] best, raw, lift
    cdef Py_ssize_t capacity
    cdef object found_array, entities_array
    cdef public Py_ssize_t size, n_title, n_entities, n_topics, marks
    cdef object actor_lengths
    cdef Py_ssize_t shortest_actor, longest_actor

    @cython.locals(need=Py_ssize_t)
    cpdef int run(self, list raw_title, bytes title, list raw_text, bytes text) except -1

    @cython.locals(
        rows="int[::1]", whole_at="int[::1]", whole_codes="int[::1]",
        pid=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t,
        whole=Py_ssize_t, first=Py_ssize_t, last=Py_ssize_t, i=Py_ssize_t,
    )
    cdef int _part(self, list raw, bytes text, bint in_title) except -1

    @cython.locals(at=Py_ssize_t, word=Py_ssize_t, sid=Py_ssize_t, s_end=Py_ssize_t, shorter=tuple)
    cdef int _accept(
        self, bytes text, Py_ssize_t pid, Py_ssize_t start, Py_ssize_t end, bint in_title
    ) except -1

    @cython.locals(
        last=Py_ssize_t, suffix=bytes, prefix=bytes, accepted=bint, code=Py_ssize_t,
        prefix_key="long long", suffix_key="long long", k=Py_ssize_t, f=Py_ssize_t,
    )
    cdef bint _accept_stem(
        self, Py_ssize_t stem, bytes text, Py_ssize_t word, Py_ssize_t start,
        Py_ssize_t end, bint in_title
    ) except -1

    @cython.locals(
        armed=set, i=Py_ssize_t, j=Py_ssize_t, k=Py_ssize_t, r=Py_ssize_t, u=Py_ssize_t,
        code=Py_ssize_t, topic=Py_ssize_t, number=Py_ssize_t, flags=int, base=Py_ssize_t,
        hit=bint, other=bint, entity=Py_ssize_t, size=Py_ssize_t, keywords=Py_ssize_t,
        roles="int[::1]", phrase=Py_ssize_t,
    )
    cpdef set armed(self)

    @cython.locals(lo=Py_ssize_t, hi=Py_ssize_t, mid=Py_ssize_t)
    cdef bint _among(self, Py_ssize_t at, long long key) noexcept

    @cython.locals(
        at=Py_ssize_t, flags=int, entity=Py_ssize_t, topic=Py_ssize_t, weight=double,
        n=Py_ssize_t, place=double,
    )
    cdef int _add(self, Py_ssize_t code, Py_ssize_t start, Py_ssize_t end, bint in_title) except -1

    @cython.locals(i=Py_ssize_t, entity=Py_ssize_t, topic=Py_ssize_t)
    cpdef void reset(self)

    @cython.locals(raw=dict, headline=set, lift=dict, i=Py_ssize_t, topic=Py_ssize_t)
    cpdef tuple scores(self, list topic_ids)

    @cython.locals(k=Py_ssize_t, entity=Py_ssize_t)
    cpdef bint names_left(self, Py_ssize_t topic, frozenset ignore, dict less) except -1

    @cython.locals(
        entity=Py_ssize_t, n=Py_ssize_t, topic=Py_ssize_t, weight=double, name=bint,
        place=double, mentions=Py_ssize_t, left=bint, k=Py_ssize_t, other=Py_ssize_t,
        still=bint, i=Py_ssize_t, code=Py_ssize_t, named=bint,
    )
    cpdef void take_off(
        self, object ignored, dict lost, dict raw, set headline, dict lift, list topic_ids
    ) except *

    cpdef object kept(self)

    @cython.locals(
        seen=list, i=Py_ssize_t, code=Py_ssize_t, at=Py_ssize_t, start=Py_ssize_t,
        end=Py_ssize_t,
    )
    cpdef list phrases(self, list values)

    @cython.locals(
        held=list, i=Py_ssize_t, code=Py_ssize_t, r=Py_ssize_t, at=Py_ssize_t,
        start=Py_ssize_t, end=Py_ssize_t,
    )
    cpdef list held(self, list values)

    @cython.locals(
        found=list, p=Py_ssize_t, phrase=Py_ssize_t, u=Py_ssize_t, number=Py_ssize_t,
        lo=Py_ssize_t, hi=Py_ssize_t, first=Py_ssize_t, last=Py_ssize_t, i=Py_ssize_t,
        start=Py_ssize_t, end=Py_ssize_t, code=Py_ssize_t, in_title=bint, ignore=frozenset,
        text=bytes,
    )
    cpdef list near_hits(self, list values, list rules, tuple parts)

    @cython.locals(
        lifted=set, i=Py_ssize_t, j=Py_ssize_t, topic=Py_ssize_t, code=Py_ssize_t,
        entity=Py_ssize_t, start=Py_ssize_t, place=double, weight=double,
    )
    cpdef set boost_actors(
        self, bytes text, dict raw, set candidates, object ignored, frozenset actors,
        list topic_ids
    )

    @cython.locals(
        shortest=Py_ssize_t, longest=Py_ssize_t, left=Py_ssize_t, before=Py_ssize_t,
        right=Py_ssize_t, after=Py_ssize_t, last=Py_ssize_t, _=Py_ssize_t,
    )
    cdef bint _by_actor(
        self, bytes text, Py_ssize_t start, Py_ssize_t end, frozenset actors
    ) except -1

    cdef void _measure(self, frozenset actors)
