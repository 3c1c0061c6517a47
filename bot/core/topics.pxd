# C types for Cython's compilation of topics.py (pure-Python mode, see setup.py).
import cython

@cython.locals(
    best=dict, count=dict, raw=dict, headline=set, lift=dict, held=list, seen=list,
    steps=tuple, in_title=bint, place=double, match=tuple, kid=Py_ssize_t, n=Py_ssize_t,
    weight=double,
)
cpdef tuple _tally(
    tuple matches, list entity_of, list topic_of, list weight_of, list name_of, list held_of
)
