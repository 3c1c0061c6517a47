"""What differs between the SQLite and the PostgreSQL text of one statement (issue 14).

The repositories write SQLite's `?` placeholders; psycopg 3 wants `%s`, and reads every
other `%` (a LIKE pattern, a strftime format) as the start of one unless it is doubled.
`to_pyformat` turns the one into the other once per statement text. Quoted strings,
quoted names and comments keep their `?` (docs/postgres-plan.md, "a small dialect layer").

A translated statement must always be run with a parameter sequence, even an empty one:
psycopg only undoubles `%%` when it has parameters to bind.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Dialect:
    """The few statement pieces that differ between SQLite and PostgreSQL, reached as
    `db.dialect` (docs/postgres-plan.md). Everything else is written once, in the SQL both
    accept (ON CONFLICT, RETURNING, IS [NOT] DISTINCT FROM, FILTER)."""

    name: str  # "sqlite" or "postgresql"

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    def epoch_seconds(self, column: str) -> str:
        """A stored UTC time (`to_db_time` text) as whole seconds since 1970."""
        if self.postgres:
            return f"EXTRACT(EPOCH FROM {column}::timestamptz)::bigint"
        return f"CAST(strftime('%s', {column}) AS INTEGER)"

    def json_array_length(self, column: str) -> str:
        """The length of a JSON array stored as TEXT."""
        return (
            f"json_array_length({column}::json)"
            if self.postgres
            else f"json_array_length({column})"
        )

    def string_agg(self, expression: str, separator: str) -> str:
        """The group's values joined by `separator` (a literal without quotes)."""
        function = "string_agg" if self.postgres else "group_concat"
        return f"{function}({expression}, '{separator}')"

    def same_as_param(self, column: str) -> str:
        """`column` equals the next parameter, NULL equalling NULL (SQLite's `IS ?`)."""
        return f"{column} IS NOT DISTINCT FROM ?" if self.postgres else f"{column} IS ?"

    def greatest(self, first: str, second: str) -> str:
        """The larger of two values (SQLite's two-argument max())."""
        return f"GREATEST({first}, {second})" if self.postgres else f"MAX({first}, {second})"

    def skip_locked(self) -> str:
        """Appended to a SELECT that picks work: PostgreSQL locks the rows it returns and
        passes over rows another transaction holds; SQLite's write transaction is exclusive."""
        return " FOR UPDATE SKIP LOCKED" if self.postgres else ""

    def database_bytes(self) -> str:
        """A query whose one value is the database's size on disk."""
        if self.postgres:
            return "SELECT pg_database_size(current_database())"
        return "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"

    def defer_foreign_keys(self) -> str:
        """Run first in a transaction that moves a parent row and its children together."""
        if self.postgres:
            return "SET CONSTRAINTS ALL DEFERRED"
        return "PRAGMA defer_foreign_keys = ON"

    def ordered_ids(self, key: int) -> str | None:
        """A statement making concurrent inserters of one table commit in id order, for
        readers that go on from "the largest id seen": PostgreSQL hands ids out before
        commit, so without it id 11 may be visible before id 10 (SQLite: one writer)."""
        return f"SELECT pg_advisory_xact_lock({int(key)})" if self.postgres else None


SQLITE = Dialect("sqlite")
POSTGRES = Dialect("postgresql")
