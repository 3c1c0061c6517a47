"""The compiled hot path of classification (Cython), declared for setuptools.

pyproject.toml holds the project's metadata; this file only adds the extension modules.
The listed modules of bot/core are plain Python that Cython compiles as they are
(pure-Python mode; the .pxd file beside each adds C types). Without Cython or a C
compiler the build goes on without them, with a warning, and the same modules run
uncompiled, only slower: tests/core/test_compiled_hot_path.py fails under CI=true then,
so a broken build does not pass CI unseen.
"""

from __future__ import annotations

import sys
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED = (
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


class OptionalBuildExt(build_ext):
    """Build each extension if the machine can; warn and go on where it cannot."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # no compiler at all (a slim image)
            _warn(f"no extension built ({exc})")

    def build_extension(self, ext: Any) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # a compiler or header missing, a compile error
            _warn(f"{ext.name} not built ({exc})")


def _warn(message: str) -> None:
    print(f"WARNING: {message}; it runs as plain Python, slower", file=sys.stderr)


try:
    from Cython.Build import cythonize
except ImportError:  # no Cython: the pure-Python modules run as they are
    _warn("Cython is not installed: the hot path is not compiled")
    ext_modules = []
else:
    ext_modules = cythonize(
        [f"bot/core/{name}.py" for name in COMPILED],
        compiler_directives={"language_level": "3", "binding": True, "annotation_typing": False},
        quiet=True,
    )

setup(ext_modules=ext_modules, cmdclass={"build_ext": OptionalBuildExt})
