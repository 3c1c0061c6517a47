# C types for Cython's compilation of cluster.py (pure-Python mode, see setup.py): the
# index's records are C structs, and the weights, dot products and sums run on C doubles,
# the same IEEE operations in the same order. `math` is C's libm here: the log, exp and
# sqrt that Python's math module calls (so math.inf is not there: cluster.py has _INF).
import cython
from cpython cimport array
from libc cimport math


@cython.final
cdef class _Weight:
    cdef public double value


cdef class _Story


@cython.final
cdef class _Vector:
    cdef public dict weights
    cdef public double norm2, norm

    cpdef void add(self, dict unit)
    cpdef double cosine(self, dict unit) except? -1.0
    cpdef void add_words(self, _Doc doc, _Story story)
    cpdef double cosine_words(self, _Doc doc) except? -1.0


@cython.final
cdef class _Doc:
    cdef public object id, source, script, numbers, countries, story_id
    cdef public double hours
    cdef public dict concepts, names, words
    cdef public tuple name_keys, name_units, name_weights, word_keys, terms
    cdef public array.array word_units
    cdef public list keys, lookups, entities


@cython.final
cdef class _Term:
    cdef public Py_ssize_t df
    cdef public _Story owner
    cdef public dict owners


@cython.final
cdef class _Story:
    cdef public object id
    cdef public double first, last
    cdef public list members
    cdef public _Vector concepts, names
    cdef public dict words, mentioned, terms
    cdef public Py_ssize_t mark
    cdef public set numbers, countries


cdef class StoryIndex:
    cdef public object entities
    cdef readonly object model
    cdef public double threshold, window, horizon
    cdef double _bias, _by_concepts, _by_names, _by_wording, _by_script, _by_numbers
    cdef double _by_days, _by_countries
    cdef double _logit_threshold, _newest
    cdef bint _parts_add_up
    cdef bytearray _kinds
    cdef dict _docs, _stories, _terms, _pairs
    cdef list _entity_terms, _canon
    cdef Py_ssize_t _sweep_at, _searches, _pair_count

    @cython.locals(found=list, term=_Term, owners=dict, story=_Story, mark=Py_ssize_t)
    cpdef list _proposed(self, _Doc doc)

    @cython.locals(
        threshold=double, window=double, at=double, numbers=frozenset,
        countries=frozenset, country=object,
        number=object, held=set,
        bias=double, by_concepts=double, by_names=double, by_wording=double,
        by_script=double, by_numbers=double, by_days=double, by_countries=double,
        name_keys=tuple, name_units=tuple, name_weights=tuple, named=Py_ssize_t,
        concept_units=dict, size=Py_ssize_t, found=list, story=_Story, gap=double,
        others=set, jaccard=double, common=Py_ssize_t, names=double, concepts=double,
        weights=dict, dot=double, mass=double, hit=bint, i=Py_ssize_t, cell=_Weight,
        value=double,
        unit=double, weight=double, shared=Py_ssize_t, concepts_part=double,
        names_part=double, numbers_part=double, days_part=double, countries_part=double,
        partial=double, words=_Vector, wording=double, logit=double,
    )
    cpdef list _ranked(self, _Doc doc)

    @cython.locals(
        docs=dict, window=double, by_concepts=double, by_names=double, by_wording=double,
        by_numbers=double, hours=double, numbers=object, concepts=dict, names=dict,
        words=dict, member=_Doc, common=Py_ssize_t, shared=double, affinity=double,
    )
    cpdef bint _close_to_all(self, _Doc doc, _Story story) except -1

    @cython.locals(
        terms=dict, term=_Term, counted=list, named_terms=list, word_terms=list,
        extra=Py_ssize_t, n=double, kinds=bytearray, names=dict,
        concepts=dict, named=list, name_weights=list, name_units=list, mentioned=object,
        places=Py_ssize_t,
        unit=double, norm2=double,
        norm=double, c=Py_ssize_t, df=Py_ssize_t, weight=double, number=Py_ssize_t,
        kind=int, seen=Py_ssize_t, lookups=list, units=array.array, slots="double *", tf=double,
        found=Py_ssize_t, size=Py_ssize_t, i=Py_ssize_t, at=Py_ssize_t, keys=list, pairs=dict,
        concept_norm2=double,
        prepared=_Doc, entity_terms=list, canon=list, entities=list,
        own=dict, theirs=dict, mine=dict, other=dict, entity=object, tag=str,
    )
    cpdef _Doc _prepare(self, object doc, bint count=*)

    @cython.locals(story=_Story, at=double, words=_Vector, mentioned=dict, held=dict,
                   term=_Term, size=Py_ssize_t)
    cpdef void _insert(self, _Doc doc, object story_id)

    @cython.locals(cutoff=double, docs=dict, stories=dict, gone=list, doc=_Doc, story=_Story,
                   term=_Term, words=_Vector)
    cpdef void _forget(self)


cdef list _TF
cdef array.array _NO_UNITS
cdef Py_ssize_t _TF_SIZE, _RARE_WORDS, _RARE_NAMES
cdef double _FLOOR, _NAME_MASS
cdef int _NAME, _CONCEPT, _COUNTRY, _UNSEEN
cdef _Term _ABSENT

cpdef double _sigmoid(double z)

@cython.locals(total=double, w=double, value=double)
cpdef double _dot_in_order(dict a, dict b) except? -1.0

cpdef double _dot(dict a, dict b) except? -1.0

@cython.locals(total=double, w=double, cell=_Weight, value=double)
cpdef double _dot_weights(dict unit, dict weights) except? -1.0

@cython.locals(words=dict)
cpdef dict _words_of(_Doc doc)

cpdef double _dot_words(_Doc a, _Doc b) except? -1.0

@cython.locals(total=double, i=Py_ssize_t, w=double, value=double, slots="double *")
cpdef double _dot_items(tuple keys, array.array units, dict b) except? -1.0

@cython.locals(total=double, i=Py_ssize_t, cell=_Weight, w=double, value=double, slots="double *")
cpdef double _dot_items_weights(tuple keys, array.array units, dict weights) except? -1.0

@cython.locals(
    dot=double, i=Py_ssize_t, slots="double *", term=_Term, w=double, cell=_Weight, value=double,
)
cpdef double _add_items(dict weights, tuple keys, array.array units, _Story story) except? -1.0

@cython.locals(dot=double, w=double)
cpdef double _add_into(dict weights, dict unit) except? -1.0

@cython.locals(cell=_Weight, value=double)
cdef double _add_one(dict weights, object key, double w) except? -1.0

@cython.locals(at=Py_ssize_t)
cdef Py_ssize_t _keep(long long *rare, Py_ssize_t found, Py_ssize_t limit, long long packed) noexcept

@cython.locals(term=_Term)
cpdef _Term _new_term()

@cython.locals(owner=_Story, owners=dict)
cdef void _own(_Term term, _Story story) except *

@cython.locals(owners=dict)
cdef void _disown(_Term term, _Story story) except *

@cython.locals(vector=_Vector)
cpdef _Vector _new_vector()

@cython.locals(story=_Story)
cpdef _Story _new_story(object story_id, double at)
