-- Each feed's own schedule and health; article updates and the tombstones of pruned articles.

-- When the feed is next due (NULL: now). Pushed later by the normal interval, the server's
-- cache hints and Retry-After, and by exponential backoff after failures.
ALTER TABLE feeds ADD COLUMN next_check_at TEXT;
-- Fetch the article page for its full text: 'auto' (when the feed carries only a short
-- summary and the page is on the feed's own site), 'on' (always), 'off' (never).
ALTER TABLE feeds ADD COLUMN full_text TEXT NOT NULL DEFAULT 'auto';
-- Hash of the last body parsed: identical bytes from a server without validators parse nothing.
ALTER TABLE feeds ADD COLUMN body_hash TEXT;
-- The publisher's home page, as the feed names it.
ALTER TABLE feeds ADD COLUMN site_url TEXT;
CREATE INDEX feeds_due ON feeds (enabled, next_check_at);

-- Hash of the item as the feed last carried it; an update keeps the article's id (not "new").
ALTER TABLE articles ADD COLUMN content_hash TEXT;
ALTER TABLE articles ADD COLUMN updates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN updated_at TEXT;
-- The item's own "updated" date: a change that advances it is a real revision.
ALTER TABLE articles ADD COLUMN item_updated TEXT;
CREATE INDEX articles_feed_fetched ON articles (feed_id, fetched_at);

-- Keys of pruned articles ('g <feed id> <guid>' or 'u <canonical url>'), so an old item
-- still in a feed is not stored again as new. Kept while the feed still carries them.
CREATE TABLE tombstones (
    key TEXT PRIMARY KEY,
    seen_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tombstones_seen ON tombstones (seen_at);
