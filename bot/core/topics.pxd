# C types for Cython's compilation of topics.py (pure-Python mode, see setup.py).
import cython

@cython.locals(
    when=set, near=set, armed=set, numbers=list, names=list,
    needs_when=bint, needs_near=bint, alone=bint, ignore=frozenset, other=bint,
)
cpdef set _armed(
    dict raw, dict count, list seen, dict thresholds, dict rules_of, list terms,
    list entities
)
