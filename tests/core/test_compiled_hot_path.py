"""The compiled hot path of classification (setup.py: Cython in pure-Python mode) is the
one CI runs, and its results are those of the plain-Python source it is compiled from."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

from bot.core import (
    cluster,
    entities,
    folding,
    matcher,
    rules,
    spaces,
    story_features,
    tally,
    topics,
)
from bot.core.normalize import _FOLDING, _REMOVED_MARK, normalize_bytes, normalize_padded
from tests.corpus.evaluate import BLIND, SETS, load

HOT_PATH = (folding, spaces, matcher, rules, tally, topics, entities, story_features, cluster)
EDGES = [
    "",
    " ",
    "\u200b",
    "  باكو  ",
    "\u200bباكو\u200b يريفان\u200f",
    "x",
    "\x00a\tb\n",
    "ﺑﺎﻛﻮ ﻷن",  # presentation forms: outside the one-pass table
    "Москва и Баку",  # outside the alphabet
    "Zürich  RUSSIA's",
    "٢٠٢٤ و۱۲ «باكو»، ٥٠٪",
]


def _texts() -> list[str]:
    texts = list(EDGES)
    for name, path in SETS.items():
        if name in BLIND:
            continue
        for article in load(path):
            texts += [article.title, article.text]
    return texts


def _plain(module: ModuleType) -> ModuleType:
    """The module run from its .py source, uncompiled."""
    source = Path(module.__file__ or "").with_suffix("").with_suffix("").with_suffix(".py")
    spec = importlib.util.spec_from_file_location(f"plain_{module.__name__}", source)
    assert spec and spec.loader
    plain = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plain)
    return plain


@pytest.mark.skipif(
    os.environ.get("CI", "").lower() not in ("true", "1"), reason="CI requires the build"
)
def test_ci_runs_the_compiled_hot_path() -> None:
    plain = [m.__name__ for m in HOT_PATH if (m.__file__ or "").endswith(".py")]
    assert not plain, f"not compiled (setup.py build_ext failed or was not run): {plain}"


def test_padded_normalization_is_normalize_bytes_with_a_space_each_side() -> None:
    for text in _texts():
        assert normalize_padded(text) == b" " + normalize_bytes(text) + b" ", text


def test_one_pass_folding_as_plain_python_folds_like_normalize_bytes() -> None:
    fold = _plain(folding).fold_padded
    for text in _texts()[:400]:
        folded = fold(text, _FOLDING, _REMOVED_MARK)
        if folded is None:  # a character outside the table: normalize_padded's other path
            assert any(ord(ch) >= len(_FOLDING) or _FOLDING[ord(ch)] == 0 for ch in text)
        else:
            assert folded == b" " + normalize_bytes(text) + b" ", text


def test_one_pass_folding_leaves_outside_characters_to_the_general_path() -> None:
    assert folding.fold_padded("Москва", _FOLDING, _REMOVED_MARK) is None
    assert normalize_padded("Москва و") == b" " + normalize_bytes("Москва و") + b" "


def test_word_edges_are_where_find_and_rfind_put_them() -> None:
    for text in (b" ", b"  ", b" a ", b" ab cd  e ", b"abc", b"", b" x"):
        for at in range(len(text) + 2):
            assert spaces.space_before(text, at) == text.rfind(b" ", 0, at), (text, at)
            assert spaces.space_after(text, at) == text.find(b" ", at), (text, at)


def test_a_compiled_module_is_not_older_than_its_source() -> None:
    """A stale build would run old code: `make` rebuilds when a source changes."""
    for module in HOT_PATH:
        built = Path(module.__file__ or "")
        if built.suffix == ".py":
            continue  # not compiled here
        source = built.with_name(module.__name__.rsplit(".", 1)[1] + ".py")
        for path in (source, source.with_suffix(".pxd")):
            if path.suffix == ".pxd" and not path.exists():
                continue  # compiled without C types
            assert built.stat().st_mtime >= path.stat().st_mtime, f"{built.name} older than {path}"
