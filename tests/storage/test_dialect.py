"""SQLite-style statements as psycopg runs them (storage/dialect.py, issue 14)."""

from __future__ import annotations

import psycopg
import pytest

from storage.dialect import to_pyformat
from tests.pg import PostgresServer


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM users WHERE chat_id = ?", "SELECT * FROM users WHERE chat_id = %s"),
        ("VALUES (?, ?, ?)", "VALUES (%s, %s, %s)"),
        ("SELECT 'a?b', ?", "SELECT 'a?b', %s"),
        ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
        ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = %s'),
        ("SELECT ? -- why?\n, ?", "SELECT %s -- why?\n, %s"),
        ("SELECT /* a ? here */ ?", "SELECT /* a ? here */ %s"),
        ("WHERE title LIKE '%' || ? || '%'", "WHERE title LIKE '%%' || %s || '%%'"),
        ("SELECT 7 % ?", "SELECT 7 %% %s"),
        ("SELECT ANY(ARRAY[?, ?])", "SELECT ANY(ARRAY[%s, %s])"),
        ("SELECT 'never closed ?", "SELECT 'never closed ?"),
        ("", ""),
    ],
)
def test_question_marks_outside_quotes_and_comments_become_placeholders(
    sqlite: str, postgres: str
) -> None:
    assert to_pyformat(sqlite) == postgres


def test_numbered_placeholders_are_refused_rather_than_misread() -> None:
    with pytest.raises(ValueError, match="numbered placeholders"):
        to_pyformat("SELECT ?1")


async def test_translated_statements_bind_and_keep_their_literals_on_postgresql(
    postgres_server: PostgresServer,
) -> None:
    async with await psycopg.AsyncConnection.connect(postgres_server.dsn) as conn:
        cursor = await conn.execute(
            to_pyformat("SELECT '50%?', ?::int, 'it''s', ? -- 100%?"), (7, "x?%")
        )
        assert await cursor.fetchone() == ("50%?", 7, "it's", "x?%")
        cursor = await conn.execute(to_pyformat("SELECT 'only 1%'"), ())
        assert await cursor.fetchone() == ("only 1%",)
        cursor = await conn.execute(to_pyformat("SELECT 'ab%c' LIKE '%' || ? || '%'"), ("b%",))
        assert await cursor.fetchone() == (True,)
