# C types for Cython's compilation of entities.py (pure-Python mode, see setup.py): the
# loop over the automaton's raw matches runs on C integers; the .py stays the one source.
import cython

@cython.locals(
    pid=Py_ssize_t, start=Py_ssize_t, end=Py_ssize_t, at=Py_ssize_t, code=Py_ssize_t,
    found=list, accepted=list, number=object, _epithet=object,
)
cpdef void _entity_numbers(
    object matcher, int[::1] table, list raw, bytes text, Py_ssize_t boundary, list in_title,
    list in_lead,
) except *

@cython.locals(ch=Py_UCS4)
cpdef bint _any_of(str text, bytes letters) except -1
