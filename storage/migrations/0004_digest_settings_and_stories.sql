-- Richer schedules and digest settings per chat; stories (clusters of articles) for digests.

-- Several digest times a day, e.g. '07:30,19:00'.
ALTER TABLE users ADD COLUMN digest_times TEXT NOT NULL DEFAULT '08:00';
UPDATE users SET digest_times = digest_time;
ALTER TABLE users DROP COLUMN digest_time;
-- ISO weekdays the digest goes out on (1 = Monday … 7 = Sunday).
ALTER TABLE users ADD COLUMN days TEXT NOT NULL DEFAULT '1234567';
-- Quiet hours (local 'HH:MM'); nothing is pushed inside them.
ALTER TABLE users ADD COLUMN quiet_start TEXT;
ALTER TABLE users ADD COLUMN quiet_end TEXT;
ALTER TABLE users ADD COLUMN digits TEXT NOT NULL DEFAULT 'arabic' CHECK (digits IN ('arabic', 'latin'));
ALTER TABLE users ADD COLUMN max_items INTEGER NOT NULL DEFAULT 10;
-- Send a short "nothing new" instead of staying silent.
ALTER TABLE users ADD COLUMN notify_empty INTEGER NOT NULL DEFAULT 0;
-- Groups and channels are chats like any other; a forum group may pick a topic thread.
ALTER TABLE users ADD COLUMN chat_type TEXT NOT NULL DEFAULT 'private';
ALTER TABLE users ADD COLUMN title TEXT;
ALTER TABLE users ADD COLUMN thread_id INTEGER;
-- A private chat that is configuring one of its channels.
ALTER TABLE users ADD COLUMN editing_chat_id INTEGER;
-- What a digest covered, for "/digest more": the article-id window and the stories sent.
ALTER TABLE deliveries ADD COLUMN window_from INTEGER;
ALTER TABLE deliveries ADD COLUMN window_to INTEGER;
ALTER TABLE deliveries ADD COLUMN stories TEXT;

-- A story groups the articles of several outlets about one event; its id is its first article's.
ALTER TABLE articles ADD COLUMN story_id INTEGER;
CREATE INDEX articles_story ON articles (story_id);
CREATE INDEX articles_unassigned ON articles (id) WHERE story_id IS NULL;
