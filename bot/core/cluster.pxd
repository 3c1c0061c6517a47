# C types for Cython's compilation of cluster.py (pure-Python mode, see setup.py): the
# sparse dot products and sums run on C doubles, the same IEEE operations in the same order.
import cython

@cython.locals(total=double, w=double, value=double)
cpdef double _dot_in_order(dict a, dict b) except? -1.0

@cython.locals(dot=double, w=double, value=double)
cpdef double _add_into(dict weights, dict unit) except? -1.0
