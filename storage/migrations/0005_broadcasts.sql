-- Admin broadcasts: the job, and one ledger row per recipient.
CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_by INTEGER NOT NULL,        -- the Telegram user id of the admin
    admin_chat_id INTEGER NOT NULL,     -- where the preview, the status and the report go
    language TEXT NOT NULL DEFAULT 'ar',
    text TEXT,                          -- Telegram HTML, or NULL for a copied message
    from_chat_id INTEGER,               -- the message to copy (copyMessage)
    message_id INTEGER,
    topic_id TEXT,                      -- NULL: every active chat
    paid INTEGER NOT NULL DEFAULT 0,    -- sent with allow_paid_broadcast
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'discarded', 'running', 'cancelled', 'done')),
    status_message_id INTEGER,          -- the message to the admin, edited as it goes
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,                   -- set once the final report went out
    CHECK ((text IS NULL) <> (message_id IS NULL))
);
CREATE INDEX broadcasts_status ON broadcasts (status);

-- pending -> sending (just before the request leaves) -> sent | failed | blocked.
-- 'sending' left by a hard kill becomes 'uncertain' at start and is not resent;
-- 'skipped': still pending when the broadcast was cancelled.
CREATE TABLE broadcast_recipients (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id) ON DELETE CASCADE,
    chat_id INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain',
                          'skipped')),
    error TEXT,
    updated_at TEXT,
    PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX broadcast_recipients_status ON broadcast_recipients (broadcast_id, status);
