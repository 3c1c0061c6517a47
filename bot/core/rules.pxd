# C types for Cython's compilation of rules.py (pure-Python mode, see setup.py).
import cython
from bot.core.spaces cimport space_after, space_before

@cython.locals(found=list, left=Py_ssize_t, before=Py_ssize_t, right=Py_ssize_t,
               after=Py_ssize_t, last=Py_ssize_t, _=Py_ssize_t)
cpdef list words_around(bytes text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t words)

@cython.locals(lo=Py_ssize_t, hi=Py_ssize_t, _=Py_ssize_t)
cpdef tuple window(bytes text, Py_ssize_t start, Py_ssize_t end, Py_ssize_t words)
