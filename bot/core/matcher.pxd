# C types for Cython's compilation of matcher.py (pure-Python mode, see setup.py): the
from bot.core.spaces cimport space_after, space_before
# per-match loop runs on C integers; the .py stays the one source, and runs as it is.
import cython

@cython.locals(
    found=list, table="int[::1]", values=list, pid=Py_ssize_t, start=Py_ssize_t,
    end=Py_ssize_t, at=Py_ssize_t, offset=Py_ssize_t, tail=Py_ssize_t, whole=Py_ssize_t,
)
cpdef list _scan(object matcher, list raw, bytes text)

@cython.locals(
    entries=list, offset=Py_ssize_t, _edge=Py_ssize_t, tail=Py_ssize_t, stem=Py_ssize_t,
    _whole=Py_ssize_t, prefix=bytes, sid=Py_ssize_t, s_offset=Py_ssize_t, _tail=Py_ssize_t,
    s_stem=Py_ssize_t, s_end=Py_ssize_t, shorter=tuple,
)
cdef void _accept(object matcher, bytes text, Py_ssize_t pid, Py_ssize_t start, Py_ssize_t end, list found) except *

@cython.locals(suffix=bytes, accepted=bint)
cdef bint _accept_stem(tuple rules, bytes text, bytes prefix, Py_ssize_t start, Py_ssize_t end, list found) except -1
