-- Reader controls (issue 12): muted phrases, silent digests, a large preview of the lead
-- story, and the private instance's memory of whom it turned away.

-- /mute: stories whose headline or summary names one of these leave the chat's digest.
-- Matched like /follow (bot/core/phrases.py); follows and mutes share one limit.
CREATE TABLE mutes (
    chat_id INTEGER NOT NULL REFERENCES users(chat_id) ON DELETE CASCADE,
    key TEXT NOT NULL,  -- the phrase normalized: one row per spelling that means the same
    phrase TEXT NOT NULL,  -- as the reader typed it (cleaned)
    created_at TEXT NOT NULL,
    PRIMARY KEY (chat_id, key)
);

-- /silent on: scheduled digests arrive without a notification (disable_notification).
ALTER TABLE users ADD COLUMN silent INTEGER NOT NULL DEFAULT 0;
-- /preview on: a digest's first message shows a large preview of its lead story.
ALTER TABLE users ADD COLUMN link_preview INTEGER NOT NULL DEFAULT 0;

-- ALLOWED_CHATS: a chat outside the list is told once that this bot is private, then
-- never answered again; one row per chat told (it survives restarts).
CREATE TABLE turned_away (
    chat_id INTEGER PRIMARY KEY,
    told_at TEXT NOT NULL
);

-- The listed @username a chat was last seen with, so that a chat allowed by its @username
-- (ALLOWED_CHATS=@newsroom) is known by its id when digests are planned at the next start.
CREATE TABLE chat_usernames (
    chat_id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,  -- lower case, without the @
    seen_at TEXT NOT NULL
);

-- The chats a private instance does not serve now (no digests, no broadcasts). Rebuilt at
-- every start from ALLOWED_CHATS (empty when the instance is open), kept up to date as
-- chats write; a chat's settings stay, so opening the instance again loses nothing.
CREATE TABLE unserved_chats (
    chat_id INTEGER PRIMARY KEY
);
