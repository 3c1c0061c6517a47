"""What the search index holds and how a reader's words become a query (bot.core.search)."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.search import (
    MAX_QUERY_CHARS,
    Hit,
    Query,
    QueryProblem,
    index_terms,
    parse_query,
    rank,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def finds(query_text: str, document: str) -> bool:
    query = parse_query(query_text)
    assert isinstance(query, Query), query
    terms = set(index_terms(document).split())
    return all(any(t in terms for t in word) for word in query.words)


@pytest.mark.parametrize(
    "typed", ["الأذربيجانية", "وأذربيجان", "اذربيجان", "أذربيجانَ", "بأذربيجان"]
)
def test_every_form_of_a_name_finds_the_plain_name(typed: str) -> None:
    assert finds(typed, "رئيس أذربيجان يزور تركيا")


@pytest.mark.parametrize("document", ["العاصمة الأذربيجانية", "وفد من أذربيجان", "الأذربيجانيين"])
def test_the_plain_name_finds_its_derived_forms(document: str) -> None:
    assert finds("أذربيجان", document)


@pytest.mark.parametrize(
    ("typed", "document"),
    [
        ("Azerbaijani", "Azerbaijan hosts talks"),
        ("Armenians", "Armenia votes"),
        ("لبنان", "اللبنانية"),
    ],
)
def test_latin_endings_and_names_starting_with_a_clitic_letter_still_match(
    typed: str, document: str
) -> None:
    assert finds(typed, document)


def test_an_unrelated_word_does_not_match() -> None:
    assert not finds("باكو", "الباكورة الزراعية في تركيا")
    assert not finds("روسيا", "أذربيجان تستضيف قمة")


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", QueryProblem.EMPTY),
        ("   \n ", QueryProblem.EMPTY),
        ("!!! ؟ … ***", QueryProblem.NO_WORDS),
        ("في من the of", QueryProblem.NO_WORDS),
        ("و ب ل", QueryProblem.NO_WORDS),  # single letters
        ("باكو " * 60, QueryProblem.TOO_LONG),
        ("x" * (MAX_QUERY_CHARS + 1), QueryProblem.TOO_LONG),
        (" ".join(f"كلمة{i}" for i in range(9)), QueryProblem.TOO_LONG),
    ],
)
def test_empty_junk_and_huge_queries_name_their_problem(typed: str, problem: QueryProblem) -> None:
    assert parse_query(typed) == problem


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "NEAR(a b, 3)",
    "a OR b AND NOT c",
    "title:باكو",
    "{title summary}: x",
    "^x",
    "-x",
    "+x",
    "x:",
    "(",
    ")",
    "a\x00b",
    "\\",
    "باكو\u202e",
    "😀 baku",
    "Москва",
    "東京",
    "1' OR '1'='1",
    "x; DROP TABLE articles; --",
]


def _table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE s USING fts5(title, summary, tokenize='ascii', detail=column)")
    db.execute("INSERT INTO s (rowid, title, summary) VALUES (1, ?, ?)", (index_terms("باكو"), ""))
    return db


@pytest.mark.parametrize("typed", HOSTILE)
def test_query_syntax_from_readers_never_reaches_sqlite_as_syntax(typed: str) -> None:
    query = parse_query(typed)
    if isinstance(query, Query):
        _table().execute("SELECT rowid FROM s WHERE s MATCH ?", (query.match,)).fetchall()


def test_random_input_never_makes_an_invalid_match_expression() -> None:
    rng = random.Random(12)
    alphabet = "\"*():^-+{}ORANDNOTNEAR باكو\u0640\u064e.,;'\\\u200f😀Ж東0123"
    db = _table()
    for _ in range(2000):
        typed = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        query = parse_query(typed)
        if isinstance(query, Query):
            db.execute("SELECT rowid FROM s WHERE s MATCH ?", (query.match,)).fetchall()


def hit(article: int, story: int | None, relevance: float, hours_ago: float) -> Hit:
    return Hit(
        article,
        story,
        f"t{article}",
        "https://e.example/",
        "e",
        NOW - timedelta(hours=hours_ago),
        relevance,
    )


def test_ranking_weighs_relevance_by_age() -> None:
    fresh, old_better = hit(1, 1, 5.0, 1), hit(2, 2, 6.0, 24 * 14)
    assert [h.article_id for h in rank([old_better, fresh], NOW, 10)] == [1, 2]
    much_better = hit(3, 3, 30.0, 24 * 14)
    assert rank([fresh, much_better], NOW, 10)[0].article_id == 3


def test_a_story_comes_once_by_its_best_article() -> None:
    ranked = rank([hit(1, 7, 2.0, 1), hit(2, 7, 4.0, 1), hit(3, None, 1.0, 1)], NOW, 10)
    assert [h.article_id for h in ranked] == [2, 3]
