"""/stats: counts across the aggregates, read-only, in a handful of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from storage.backend import Backend
from storage.db import to_db_time


@dataclass(frozen=True)
class Stats:
    active: int = 0
    paused: int = 0  # active chats that paused their digest
    blocked: int = 0  # chats that blocked the bot, left or are gone
    subscribers: dict[str, int] = field(default_factory=dict)  # topic -> active chats
    days: list[str] = field(default_factory=list)  # 'YYYY-MM-DD', oldest first
    articles: dict[str, dict[str, int]] = field(default_factory=dict)  # topic -> day -> n
    digests: int = 0  # digests delivered
    broadcasts: int = 0  # broadcasts finished
    copies: int = 0  # broadcast messages delivered
    feeds: int = 0
    healthy: int = 0  # enabled, last fetch fine
    failing: int = 0  # enabled, failing lately
    disabled: int = 0


class StatsRepository:
    def __init__(self, db: Backend) -> None:
        self.db = db

    async def gather(self, now: datetime, *, days: int = 7) -> Stats:
        users = await self.db.fetchone(
            "SELECT COUNT(*) FILTER (WHERE active = 1),"
            " COUNT(*) FILTER (WHERE active = 1 AND paused = 1),"
            " COUNT(*) FILTER (WHERE active = 0) FROM users"
        )
        subscribers = await self.db.fetchall(
            "SELECT s.topic_id, COUNT(*) FROM subscriptions s JOIN users u ON u.chat_id = s.chat_id"
            " WHERE u.active = 1 GROUP BY s.topic_id"
        )
        first_day = (now - timedelta(days=days - 1)).date()
        day_list = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
        per_day = await self.db.fetchall(
            "SELECT t.topic_id, substr(a.published_at, 1, 10) AS day, COUNT(*)"
            " FROM article_topics t JOIN articles a ON a.id = t.article_id"
            " WHERE a.published_at >= ? AND a.published_at <= ? GROUP BY 1, 2",
            (f"{day_list[0]}T00:00:00Z", to_db_time(now)),
        )
        articles: dict[str, dict[str, int]] = defaultdict(dict)
        for topic, day, n in per_day:
            articles[topic][day] = n
        sent = await self.db.fetchone(
            "SELECT (SELECT COUNT(*) FROM deliveries WHERE status = 'sent'),"
            " (SELECT COUNT(*) FROM broadcasts WHERE status IN ('done', 'cancelled')),"
            " (SELECT COUNT(*) FROM broadcast_recipients WHERE status = 'sent')"
        )
        feeds = await self.db.fetchone(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE enabled = 1 AND error_count = 0),"
            " COUNT(*) FILTER (WHERE enabled = 1 AND error_count > 0),"
            " COUNT(*) FILTER (WHERE enabled = 0) FROM feeds"
        )
        assert users is not None and sent is not None and feeds is not None
        return Stats(
            active=users[0],
            paused=users[1],
            blocked=users[2],
            subscribers={topic: n for topic, n in subscribers},
            days=day_list,
            articles=dict(articles),
            digests=sent[0],
            broadcasts=sent[1],
            copies=sent[2],
            feeds=feeds[0],
            healthy=feeds[1],
            failing=feeds[2],
            disabled=feeds[3],
        )
