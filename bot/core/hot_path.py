"""The modules Cython compiles (setup.py reads this list), and whether this process runs them
compiled.

Each is plain Python that runs as it is where no C compiler was at hand, only several
times slower: an operator should hear of it (the start logs it) rather than find out from
the CPU graph. Kept free of imports at module level: setup.py reads it before the
package's requirements may be installed.
"""

from __future__ import annotations

MODULES = (
    "folding",
    "spaces",
    "matcher",
    "rules",
    "tally",
    "topics",
    "entities",
    "story_features",
    "cluster",
)


def uncompiled() -> list[str]:
    """The modules of MODULES that run from their .py source here."""
    import importlib

    return [
        name
        for name in MODULES
        if (importlib.import_module(f"bot.core.{name}").__file__ or "").endswith(".py")
    ]
