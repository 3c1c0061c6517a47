"""What differs between the SQLite and the PostgreSQL text of one statement (issue 14).

The repositories write SQLite's `?` placeholders; psycopg 3 wants `%s`, and reads every
other `%` (a LIKE pattern, a strftime format) as the start of one unless it is doubled.
`to_pyformat` turns the one into the other once per statement text. Quoted strings,
quoted names and comments keep their `?` (docs/postgres-plan.md, "a small dialect layer").

A translated statement must always be run with a parameter sequence, even an empty one:
psycopg only undoubles `%%` when it has parameters to bind.
"""

from __future__ import annotations

from functools import lru_cache

# Strings and quoted names. SQLite's other name quotes (`` and []) are not used here, and
# [ is PostgreSQL's array subscript, whose ? must stay a placeholder.
_QUOTES = ("'", '"')


@lru_cache(maxsize=2048)  # the statements are string constants: a few hundred in all
def to_pyformat(sql: str) -> str:
    """`sql` with `?` placeholders as psycopg's `%s`, and each literal `%` doubled."""
    out: list[str] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch in _QUOTES:
            end = _quoted_end(sql, i, ch)
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append(sql[i:end].replace("%", "%%"))
            i = end
        elif ch == "?":
            if i + 1 < n and sql[i + 1].isdigit():
                raise ValueError("numbered placeholders (?1) are not used here; write ?")
            out.append("%s")
            i += 1
        elif ch == "%":
            out.append("%%")
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _quoted_end(sql: str, start: int, close: str) -> int:
    """The index just past the quote that closes the one at `start` (a doubled quote
    inside stands for itself); the end of `sql` when it never closes."""
    i = start + 1
    while True:
        found = sql.find(close, i)
        if found < 0:
            return len(sql)
        if sql.startswith(close * 2, found):
            i = found + 2
            continue
        return found + 1
