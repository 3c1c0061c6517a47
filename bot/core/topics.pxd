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

@cython.locals(lifted=set, match=tuple, kid=Py_ssize_t, start=Py_ssize_t)
cpdef set _boost_actors(
    list matches, bytes text, dict best, dict raw, set candidates, object ignored,
    frozenset actors, list entity_of, list topic_of, list weight_of, list name_of
)

@cython.locals(
    when=set, near=set, armed=set, numbers=list, names=list,
    needs_when=bint, needs_near=bint, alone=bint, ignore=frozenset, other=bint,
)
cpdef set _armed(
    dict raw, dict count, list seen, dict thresholds, dict rules_of, list terms,
    list entities
)
