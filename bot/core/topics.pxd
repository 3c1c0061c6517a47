# C types for Cython's compilation of topics.py (pure-Python mode, see setup.py).
import cython

@cython.locals(entity_at=dict, lost=dict, entity=Py_ssize_t, in_title=bint, start=Py_ssize_t)
cpdef dict _lost(object ignored, list held, list near_hits)

@cython.locals(
    entity=Py_ssize_t, n=Py_ssize_t, weight=double, name=bint, place=double,
    mentions=Py_ssize_t, left=bint, still=bint, named=bint, start=Py_ssize_t, p=double,
)
cpdef void _take_off(
    object ignored, list held, list near_hits, list title, dict best, dict count, dict raw,
    set headline, dict lift, list entities
) except *

@cython.locals(quarters=double)
cpdef double _round2(double score)

@cython.locals(i=Py_ssize_t)
cpdef list _decoded(object found, Py_ssize_t first, Py_ssize_t last, list values)
