-- A reader's own keywords (/follow): matching stories join their digest in a section of their own.
CREATE TABLE follows (
    chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE,
    key TEXT NOT NULL,  -- the phrase normalized: one row per spelling that means the same
    phrase TEXT NOT NULL,  -- as the reader typed it (cleaned)
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, key)
);
