# C types for Cython's compilation of spaces.py (pure-Python mode, see setup.py).
cpdef Py_ssize_t space_before(bytes text, Py_ssize_t at) except? -2
cpdef Py_ssize_t space_after(bytes text, Py_ssize_t at) except? -2
