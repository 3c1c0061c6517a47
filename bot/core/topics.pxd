# C types for Cython's compilation of topics.py (pure-Python mode, see setup.py).
import cython

@cython.locals(entity_at=dict, lost=dict, entity=Py_ssize_t, in_title=bint, start=Py_ssize_t)
cpdef dict _lost(object ignored, list held, list near_hits)

@cython.locals(hundredths=double, whole=double, rest=double)
cpdef double _round2(double score)

@cython.locals(i=Py_ssize_t)
cpdef list _decoded(object found, Py_ssize_t first, Py_ssize_t last, list values)
