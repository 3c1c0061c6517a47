-- One forum thread per topic (/threads auto in a forum supergroup).
-- A chat with a row here sends each topic's section of its digest to that topic's thread.
CREATE TABLE forum_threads (
    chat_id INTEGER PRIMARY KEY REFERENCES users(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at TEXT NOT NULL
);
-- The thread made for each topic; kept when the mode is switched off, so switching it on
-- again reuses them. A thread Telegram no longer has is dropped when a send finds it gone.
CREATE TABLE topic_threads (
    chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE ON UPDATE CASCADE,
    topic_id TEXT NOT NULL,
    thread_id INTEGER NOT NULL,
    PRIMARY KEY (chat_id, topic_id)
);
-- A digest sent in sections (one per thread): each section's messages and progress, so a
-- restart after a kill sends the sections that had not left, and none twice. `window_*`
-- and `stories` of the ledger row are set when its sections are stored.
CREATE TABLE digest_sections (
    delivery_id INTEGER NOT NULL REFERENCES deliveries(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    topic_id TEXT,
    messages TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'uncertain')),
    PRIMARY KEY (delivery_id, seq)
);
CREATE INDEX digest_sections_open ON digest_sections (status) WHERE status IN ('pending', 'sending');
