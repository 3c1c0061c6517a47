"""The compiled hot path of classification (Cython), declared for setuptools.

pyproject.toml holds the project's metadata; this file only adds the extension modules.
`bot/core/matcher.py` and `bot/core/topics.py` are plain Python that Cython compiles
as they are (pure-Python mode): without Cython, or without a compiler, the same
modules run uncompiled, only slower (a test under CI=true refuses that).
"""

from setuptools import setup

try:
    from Cython.Build import cythonize
except ImportError:  # no Cython: the pure-Python modules run as they are
    ext_modules = []
else:
    ext_modules = cythonize(
        [f"bot/core/{name}.py" for name in ("folding", "spaces", "matcher", "rules", "topics")],
        compiler_directives={"language_level": "3", "binding": True, "annotation_typing": False},
        quiet=True,
    )

setup(ext_modules=ext_modules)
