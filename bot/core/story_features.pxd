# C types for Cython's compilation of story_features.py (pure-Python mode, see setup.py):
# the pass over a text's normalized bytes runs on C integers; the .py stays the one source.
import cython
from bot.core.folding cimport fold_padded
from bot.core.entities cimport numbers_padded

cdef bint _FOLD_IN_C
cdef bytes _FOLDING_TABLE
cdef int _REMOVED_MARK

@cython.locals(data=object)
cdef bytes _padded(str text)

cdef Py_ssize_t _CACHE_SIZE  # (a C constant: no int object made to compare with)

@cython.locals(
    title_padded=bytes, lead_padded=bytes, in_title=list, in_lead=list, named=list, digits=bint,
)
cpdef object features(str title, str lead, object entities)

@cython.locals(
    distinct=Py_ssize_t, part=int, mentions=list, weight=Py_ssize_t, mention=object,
    number=Py_ssize_t, index=Py_ssize_t,
)
cpdef void _entity_counts(list in_title, list in_lead, dict counts) except *

@cython.locals(counts=dict)
cdef dict _counts(object counter)

# Features' slot descriptors, and what `_features` calls in their place at Python level:
# an object of the type allocated (object.__new__ without its checks of arguments), and a
# descriptor's setter.
cdef object _SCRIPT, _ENTITIES, _COUNTRIES, _WORDS, _NUMBERS

cdef extern from *:
    """
    static PyObject *__pyx_story_new_object(PyObject *type) {
        return ((PyTypeObject *)type)->tp_alloc((PyTypeObject *)type, 0);
    }
    static int __pyx_story_set_slot(PyObject *descriptor, PyObject *made, PyObject *value) {
        return Py_TYPE(descriptor)->tp_descr_set(descriptor, made, value);
    }
    """
    object _new_object "__pyx_story_new_object"(object type)
    int _set_slot "__pyx_story_set_slot"(object descriptor, object made, object value) except -1

# A Counter made as Counter.__new__(Counter) makes it (dict's tp_new, which Counter
# inherits), without the call through Python's method wrapper.
cdef extern from *:
    """
    static PyObject *__pyx_story_new_counter(PyObject *type) {
        PyObject *empty = PyTuple_New(0);  /* (the empty tuple: no allocation) */
        if (empty == NULL) return NULL;
        PyObject *made = ((PyTypeObject *)type)->tp_new((PyTypeObject *)type, empty, NULL);
        Py_DECREF(empty);
        return made;
    }
    """
    object _new_counter "__pyx_story_new_counter"(object type)

@cython.locals(made=object)
cpdef object _features(str script, object entities, frozenset countries, object words, frozenset numbers)

cdef object _UTC
cdef long long _EXACT

# A datetime's microseconds since the epoch, read from its fields (the datetime module's
# own arithmetic, with the days from the civil date as in Howard Hinnant's algorithms);
# `_EXACT` (2**53: none taken) for another type or zone.
cdef extern from *:
    """
    #include "datetime.h"
    static inline void __pyx_story_datetime_api_unused(void) { (void)PyDateTimeAPI; }
    static long long __pyx_story_utc_micro(PyObject *moment, PyObject *kind, PyObject *utc) {
        const long long none = 1LL << 53;
        if (Py_TYPE(moment) != (PyTypeObject *)kind || PyDateTime_DATE_GET_TZINFO(moment) != utc)
            return none;
        long long y = PyDateTime_GET_YEAR(moment), m = PyDateTime_GET_MONTH(moment);
        long long d = PyDateTime_GET_DAY(moment);
        y -= m <= 2;
        long long era = (y >= 0 ? y : y - 399) / 400, year_of_era = y - era * 400;
        long long day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        long long days = era * 146097 + day_of_era - 719468;
        long long seconds = ((days * 24 + PyDateTime_DATE_GET_HOUR(moment)) * 60
                             + PyDateTime_DATE_GET_MINUTE(moment)) * 60
                            + PyDateTime_DATE_GET_SECOND(moment);
        return seconds * 1000000 + PyDateTime_DATE_GET_MICROSECOND(moment);
    }
    """
    long long _utc_micro "__pyx_story_utc_micro"(object moment, object kind, object utc)

@cython.locals(micro="long long")
cpdef double hours(object moment) except? -1.0

@cython.locals(
    bare=object, bare_hash=Py_hash_t, seen_count=Py_ssize_t, more_seen=set, digit=bint, weight=object, size=Py_ssize_t, known=Py_ssize_t, count=object,
    start=Py_ssize_t, at=Py_ssize_t, byte=int, word=bytes, data="const unsigned char *", slot=Py_ssize_t,
    slots="const unsigned char *", mask=Py_ssize_t, pending=Py_ssize_t, word_hash="unsigned int",
    index=Py_ssize_t, word_start=Py_ssize_t, word_end=Py_ssize_t, generation=Py_ssize_t,
)
cpdef bint _add_words(str text, bytes padded, dict found, bint title) except -1

@cython.locals(index=Py_ssize_t, held="void *")
cdef bint _among(str bare, Py_hash_t bare_hash, void **words, Py_hash_t *hashes, Py_ssize_t count) except -1

@cython.locals(size=Py_ssize_t, arabic=Py_ssize_t, spaces=Py_ssize_t, ch=Py_UCS4, code=Py_UCS4)
cpdef str script(str text)

@cython.locals(ch=Py_UCS4, code=Py_UCS4)
cpdef bint _has_digit(str text) except -1

@cython.locals(index=Py_ssize_t, ch=Py_UCS4)
cpdef Py_ssize_t _next_decimal(str text, Py_ssize_t at) except -2

cdef Py_ssize_t _NUMBER_CACHE_SIZE
cdef dict _STATED
cdef str _NOT_STATED

@cython.locals(key=tuple, number=object)
cpdef void _add_number(set found, str raw, object scale) except *

@cython.locals(value=double)
cpdef object _stated(str raw, object scale)

@cython.locals(code=Py_UCS4)
cdef bint _is_decimal(Py_UCS4 ch) noexcept

@cython.locals(size=Py_ssize_t, end=Py_ssize_t, stop=Py_ssize_t, scale=str)
cpdef tuple _number_at(str text, Py_ssize_t at)

@cython.locals(found=set, at=Py_ssize_t, end=Py_ssize_t, stop=Py_ssize_t, raw=str)
cpdef frozenset numbers(str text)

@cython.locals(
    size=Py_ssize_t, skip=Py_ssize_t, proclitic=bytes, length=Py_ssize_t,
    head="const unsigned char *", index=Py_ssize_t, table=bytes, first="const unsigned char *",
)
cdef str _bare_bytes(const unsigned char *data, Py_ssize_t start, Py_ssize_t end)

cdef str _LETTERS

# Bytes decoded where they are, by a table of a character a byte (codecs.charmap_decode
# by a table with no undefined byte, without a bytes object, a call through Python, its
# tuple, nor the codec's general machinery): a word's few characters, read twice.
cdef extern from *:
    """
    static PyObject *__pyx_story_decoded(
            const unsigned char *data, Py_ssize_t start, Py_ssize_t end, PyObject *letters) {
        int kind = PyUnicode_KIND(letters);
        const void *table = PyUnicode_DATA(letters);
        Py_UCS4 most = 0;
        for (Py_ssize_t at = start; at < end; at++) {
            Py_UCS4 ch = PyUnicode_READ(kind, table, data[at]);
            if (ch > most) most = ch;
        }
        PyObject *made = PyUnicode_New(end - start, most);
        if (made == NULL) return NULL;
        int made_kind = PyUnicode_KIND(made);
        void *out = PyUnicode_DATA(made);
        for (Py_ssize_t at = start; at < end; at++)
            PyUnicode_WRITE(made_kind, out, at - start, PyUnicode_READ(kind, table, data[at]));
        return made;
    }
    """
    str _decoded "__pyx_story_decoded"(const unsigned char *data, Py_ssize_t start, Py_ssize_t end, object letters)

# The table of bare words: C globals, read without a module dict lookup.
cdef Py_ssize_t _WIDTH, _LONGEST, _FIRST_SIZE, _MASK, _USED, _GENERATION

@cython.locals(cells="void **")
cdef void *_bare_in(const unsigned char *slots, Py_ssize_t slot) noexcept
cdef bytearray _SLOTS
cdef list _VALUES
cdef dict _BARE_LONG

cdef extern from *:
    void _prefetch "__builtin_prefetch"(const void *address) noexcept nogil

cdef extern from "Python.h":
    Py_ssize_t _size "PyDict_GET_SIZE"(dict counts) noexcept

cdef extern from *:
    """
    #include <string.h>
    static int __pyx_story_holds_zero(const unsigned char *data, Py_ssize_t size) {
        return memchr(data, 0, (size_t)size) != NULL;
    }
    """
    bint _holds_zero "__pyx_story_holds_zero"(const unsigned char *data, Py_ssize_t size) noexcept

cdef Py_ssize_t _find(const unsigned char *data, Py_ssize_t start, Py_ssize_t end) noexcept

@cython.locals(word_hash="unsigned int", at=Py_ssize_t)
cdef unsigned int _hash(const unsigned char *data, Py_ssize_t start, Py_ssize_t end) noexcept

@cython.locals(
    at=Py_ssize_t, slots="const unsigned char *", length=Py_ssize_t, mask=Py_ssize_t,
    index=Py_ssize_t, held=Py_ssize_t, same=Py_ssize_t,
)
cdef Py_ssize_t _probe(const unsigned char *data, Py_ssize_t start, Py_ssize_t end, unsigned int word_hash) noexcept

@cython.locals(bare=str, slots="unsigned char *", at=Py_ssize_t, offset=Py_ssize_t, cells="void **")
cdef str _remember(const unsigned char *data, Py_ssize_t start, Py_ssize_t end, Py_ssize_t index)

@cython.locals(
    old_slots=bytearray, old_values=list, size=Py_ssize_t, old="const unsigned char *",
    slots="unsigned char *", slot=Py_ssize_t, at=Py_ssize_t, index=Py_ssize_t, offset=Py_ssize_t,
)
cdef void _grow() except *
