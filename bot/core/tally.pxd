# C types for Cython's compilation of tally.py (pure-Python mode, see setup.py).
import cython
from bot.core.matcher cimport _accept
from bot.core.rules cimport window, words_around

cdef class Codes:
    cdef public object matcher, table, whole_at, whole_codes, entity_of, topic_of
    cdef public object weight_of, flags_of
    cdef public list stems
    cdef public Py_ssize_t most, keywords, entities, topics

cdef class Tally:
    cdef public Codes codes
    cdef int[::1] table, whole_at, whole_codes, entity_of, topic_of, flags_of
    cdef double[::1] weight_of
    cdef list stems
    cdef object matcher
    cdef Py_ssize_t keywords
    cdef int[::1] count, head, touched, order, found, entities
    cdef double[::1] best, raw, lift
    cdef list accepted
    cdef Py_ssize_t capacity
    cdef object found_array, entities_array
    cdef public Py_ssize_t size, n_title, n_entities, n_topics, marks

    @cython.locals(need=Py_ssize_t)
    cpdef int run(self, list raw_title, bytes title, list raw_text, bytes text) except -1

    @cython.locals(
        accepted=list, pid=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t,
        whole=Py_ssize_t, first=Py_ssize_t, last=Py_ssize_t, i=Py_ssize_t, code=Py_ssize_t,
    )
    cdef int _part(self, list raw, bytes text, bint in_title) except -1

    @cython.locals(
        at=Py_ssize_t, flags=int, entity=Py_ssize_t, topic=Py_ssize_t, weight=double,
        n=Py_ssize_t, place=double,
    )
    cdef int _add(self, Py_ssize_t code, Py_ssize_t start, Py_ssize_t end, bint in_title) except -1

    @cython.locals(i=Py_ssize_t, entity=Py_ssize_t, topic=Py_ssize_t)
    cpdef void reset(self)

    @cython.locals(raw=dict, headline=set, lift=dict, i=Py_ssize_t, topic=Py_ssize_t)
    cpdef tuple scores(self, list topic_ids)

    @cython.locals(best=dict, count=dict, i=Py_ssize_t, entity=Py_ssize_t)
    cpdef tuple entries(self)

    cpdef object kept(self)

    @cython.locals(
        seen=list, i=Py_ssize_t, code=Py_ssize_t, at=Py_ssize_t, start=Py_ssize_t,
        end=Py_ssize_t,
    )
    cpdef list phrases(self, list values)

    @cython.locals(held=list, i=Py_ssize_t, code=Py_ssize_t)
    cpdef list held(self, list values, set armed, dict rules_of)

    @cython.locals(
        found=list, number=Py_ssize_t, lo=Py_ssize_t, hi=Py_ssize_t, first=Py_ssize_t,
        last=Py_ssize_t, i=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, code=Py_ssize_t, in_title=bint,
        p_start=Py_ssize_t, p_end=Py_ssize_t, ignore=frozenset, text=bytes,
    )
    cpdef list near_hits(self, list values, list rules, list seen, tuple parts, object armed)

    @cython.locals(
        lifted=set, i=Py_ssize_t, code=Py_ssize_t, entity=Py_ssize_t, start=Py_ssize_t,
        place=double,
    )
    cpdef set boost_actors(
        self, bytes text, dict best, dict raw, set candidates, object ignored,
        frozenset actors, list topic_ids
    )
