# C types for Cython's compilation of entities.py (pure-Python mode, see setup.py): the
# loop over the automaton's raw matches runs on C integers; the .py stays the one source.
import cython
from cpython cimport array
from bot.core.matcher cimport _accept

cdef extern from *:
    void _prefetch "__builtin_prefetch"(const void *address) noexcept nogil

@cython.locals(
    pid=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t, code=Py_ssize_t,
    found=list, accepted=list, number=object, _epithet=object, codes="int *", match=tuple,
)
cpdef void _entity_numbers(
    object matcher, array.array table, list numbers, list raw, bytes text, Py_ssize_t boundary,
    list in_title, list in_lead,
) except *

@cython.locals(
    size=Py_ssize_t, at=Py_ssize_t, ch=Py_UCS4, code=Py_ssize_t, before=Py_UCS4, acronym=str, end=Py_ssize_t,
)
cpdef bint _any_acronym(str text, bytes letters, tuple acronyms) except -1

@cython.locals(byte="unsigned char")
cpdef bint _any_byte(bytes data, bytes mask) except -1
