"""The compiled hot path of classification (setup.py: Cython in pure-Python mode) is the
one CI runs, and its results are those of the plain-Python source it is compiled from."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
import random
import sys
from dataclasses import astuple, replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bench.stories import articles
from bot import cli
from bot.core import cluster, entities, folding, hot_path, spaces
from bot.core.normalize import FOLDING_TABLE, REMOVED_MARK, normalize_bytes, normalize_padded
from bot.core.story_features import features
from tests.corpus.evaluate import BLIND, SETS, load

HOT_PATH = tuple(importlib.import_module(f"bot.core.{name}") for name in hot_path.MODULES)
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
    sys.modules[spec.name] = plain  # (dataclasses look their module up there)
    spec.loader.exec_module(plain)
    return plain


@pytest.mark.skipif(
    os.environ.get("CI", "").lower() not in ("true", "1"), reason="CI requires the build"
)
def test_ci_runs_the_compiled_hot_path() -> None:
    plain = hot_path.uncompiled()
    assert not plain, f"not compiled (setup.py build_ext failed or was not run): {plain}"


def test_uncompiled_names_the_modules_that_run_from_their_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Judged by each module's file, whether this checkout is compiled or not."""
    topics, cluster = (importlib.import_module(f"bot.core.{n}") for n in ("topics", "cluster"))
    monkeypatch.setattr(topics, "__file__", "/app/bot/core/topics.py")
    monkeypatch.setattr(
        cluster, "__file__", "/app/bot/core/cluster.cpython-311-x86_64-linux-gnu.so"
    )
    plain = hot_path.uncompiled()
    assert "topics" in plain
    assert "cluster" not in plain
    assert set(plain) <= set(hot_path.MODULES)


def test_the_start_warns_when_the_hot_path_is_not_compiled(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(hot_path, "uncompiled", lambda: ["topics", "cluster"])
    with caplog.at_level(logging.WARNING):
        cli._warn_if_uncompiled()
    assert "topics, cluster not compiled" in caplog.text
    caplog.clear()
    monkeypatch.setattr(hot_path, "uncompiled", lambda: [])
    with caplog.at_level(logging.WARNING):
        cli._warn_if_uncompiled()
    assert caplog.text == ""


def test_padded_normalization_is_normalize_bytes_with_a_space_each_side() -> None:
    for text in _texts():
        assert normalize_padded(text) == b" " + normalize_bytes(text) + b" ", text


def test_one_pass_folding_as_plain_python_folds_like_normalize_bytes() -> None:
    fold = _plain(folding).fold_padded
    for text in _texts()[:400]:
        folded = fold(text, FOLDING_TABLE, REMOVED_MARK)
        if folded is None:  # a character outside the table: normalize_padded's other path
            assert any(ord(ch) >= len(FOLDING_TABLE) or FOLDING_TABLE[ord(ch)] == 0 for ch in text)
        else:
            assert folded == b" " + normalize_bytes(text) + b" ", text


def test_one_pass_folding_leaves_outside_characters_to_the_general_path() -> None:
    assert folding.fold_padded("Москва", FOLDING_TABLE, REMOVED_MARK) is None
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


def test_compiled_story_filing_files_and_scores_like_its_plain_source() -> None:
    """cluster's C types (records, doubles, the same operations in the same order) change
    no story and no float of an explanation."""
    plain = _plain(cluster)
    shared = entities.load_entities()
    docs = sorted((d for d, _ in articles(1200, random.Random(2026))), key=lambda d: d.id)
    compiled_index, plain_index = cluster.StoryIndex(shared), plain.StoryIndex(shared)
    compiled_filed: dict[int, int] = {}
    plain_filed: dict[int, int] = {}
    for at in range(0, len(docs), 50):
        batch = docs[at : at + 50]
        if at % 200 == 0:  # now and then, what an explanation shows, before filing
            for article in batch[:5]:
                assert _explained(compiled_index, article) == _explained(plain_index, article)
        compiled_filed.update(compiled_index.assign(batch))
        plain_filed.update(plain_index.assign(batch))
    assert compiled_filed == plain_filed
    assert len(set(compiled_filed.values())) < len(docs) * 0.8  # stories were joined
    # an article of more words than the array that weighs them holds (the rest: a list)
    long = replace(docs[-1], id=len(docs) + 1, lead=" ".join(d.lead for d in docs[-12:]))
    assert len(features(long.title, long.lead, shared).words) > 64
    assert _explained(compiled_index, long) == _explained(plain_index, long)
    assert compiled_index.assign([long]) == plain_index.assign([long])


def _explained(index: Any, article: Any) -> list[tuple[Any, ...]]:
    """The floats `compare` gives, as plain values (each module has its own Parts class)."""
    return [(c.story_id, astuple(c.parts), c.farthest) for c in index.compare(article)]
