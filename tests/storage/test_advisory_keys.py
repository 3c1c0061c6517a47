"""PostgreSQL's advisory locks share one key space per database: the migration lock, the
sender lease and the article insert's id-order lock must each have a key of their own. When
the article lock shared the lease's key, every ingest process waited forever behind the
bot that held the lease (issue 14)."""

from __future__ import annotations

from storage.articles import ARTICLES_IN_ID_ORDER
from storage.lease_pg import LEASE_KEY
from storage.postgres_db import MIGRATE_LOCK


def test_each_advisory_lock_has_its_own_key() -> None:
    keys = [MIGRATE_LOCK, LEASE_KEY, ARTICLES_IN_ID_ORDER]
    assert len(set(keys)) == len(keys)
