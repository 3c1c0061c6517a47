# C types for Cython's compilation of folding.py (pure-Python mode, see setup.py).
import cython

@cython.locals(
    size=Py_ssize_t, buffer=bytearray, folded="const unsigned char *", out="unsigned char *",
    n=Py_ssize_t, space=bint, ch=Py_UCS4, code=Py_ssize_t, byte=int,
)
cpdef object fold_padded(str text, bytes table, int removed)

cdef bytearray _SCRATCH
