-- Subscribers, their topics, and the delivery ledger.
CREATE TABLE users (
    chat_id INTEGER PRIMARY KEY,
    language TEXT NOT NULL DEFAULT 'ar',
    timezone TEXT NOT NULL,
    digest_time TEXT NOT NULL DEFAULT '08:00',
    paused INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    last_article_id INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE subscriptions (
    chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE,
    topic_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, topic_id)
);
CREATE INDEX subscriptions_topic ON subscriptions (topic_id);

-- One row per recipient and period: pending -> sending -> sent | failed | blocked.
-- A row left in 'sending' by a hard kill is 'uncertain' after restart and is not resent.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain', 'empty')),
    messages INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (chat_id, kind, period)
);
CREATE INDEX deliveries_status ON deliveries (status);
