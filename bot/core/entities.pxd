# C types for Cython's compilation of entities.py (pure-Python mode, see setup.py): the
# loop over the automaton's raw matches runs on C integers; the .py stays the one source.
import cython
from cpython cimport array
from bot.core.matcher cimport _accept

cdef extern from *:
    void _prefetch "__builtin_prefetch"(const void *address) noexcept nogil

# Two texts' bytes with the placeholder byte 0 (`_OTHER`) between them, in one bytes object
# made at its size (no tuple for bytes.join, no intermediate object).
cdef extern from *:
    """
    #include <string.h>
    static inline PyObject *__pyx_entities_joined(PyObject *first, PyObject *second) {
        if (!PyBytes_CheckExact(first) || !PyBytes_CheckExact(second)) {
            PyErr_SetString(PyExc_TypeError, "the padded texts are bytes");
            return NULL;
        }
        Py_ssize_t size = PyBytes_GET_SIZE(first), more = PyBytes_GET_SIZE(second);
        PyObject *made = PyBytes_FromStringAndSize(NULL, size + 1 + more);
        if (made == NULL) return NULL;
        char *out = PyBytes_AS_STRING(made);
        memcpy(out, PyBytes_AS_STRING(first), (size_t)size);
        out[size] = 0;
        memcpy(out + size + 1, PyBytes_AS_STRING(second), (size_t)more);
        return made;
    }
    """
    bytes _joined "__pyx_entities_joined"(object first, object second)

@cython.locals(
    pid=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t, code=Py_ssize_t,
    found=list, accepted=list, number=object, _epithet=object, codes="int *", match=tuple,
)
cpdef void _entity_numbers(
    object matcher, array.array table, list numbers, list raw, bytes text, Py_ssize_t boundary,
    list in_title, list in_lead,
) except *

@cython.locals(in_title=list, in_lead=list, text=bytes, boundary=Py_ssize_t, raw=list)
cpdef tuple numbers_padded(object entities, str title, bytes title_padded, str lead=*, bytes lead_padded=*)

cpdef bint _any_acronym(str text, bytes letters, tuple acronyms) except -1

@cython.locals(at=Py_ssize_t, ch=Py_UCS4, code=Py_ssize_t, before=Py_UCS4)
cpdef Py_ssize_t _acronym_at(str text, bytes letters, tuple acronyms, Py_ssize_t start) except -2

@cython.locals(size=Py_ssize_t, index=Py_ssize_t, acronym=str, end=Py_ssize_t)
cdef Py_ssize_t _acronym_here(str text, tuple acronyms, Py_ssize_t at) except -2

@cython.locals(at=Py_ssize_t, index=Py_ssize_t)
cpdef void _add_acronyms(str text, bytes letters, tuple acronyms, list numbers, list found) except *

@cython.locals(text="const unsigned char *", table="const unsigned char *", at=Py_ssize_t)
cpdef bint _any_byte(bytes data, bytes mask) except -1
