-- The scheduled digest run as a queue in the ledger (issue 15). A scheduled row is claimed
-- as its time comes (or up to DIGEST_LEAD_MINUTES before) and waits, 'pending', for its
-- page: the rows are the run's queue, read a page at a time in the order they fell due, and
-- a restart goes on with them.
--   due_at   the chosen time, UTC (NULL: not queued: /digest, /digest more, older rows)
--   turn     order among the rows due the same minute
--   up_to    the newest article at the claim: the end of the digest's window
--   run_id   the run that claimed it
--   left_at  when its first message left
--   paid     messages it sent with allow_paid_broadcast
ALTER TABLE deliveries ADD COLUMN due_at TEXT;
ALTER TABLE deliveries ADD COLUMN turn INTEGER;
ALTER TABLE deliveries ADD COLUMN up_to INTEGER;
ALTER TABLE deliveries ADD COLUMN run_id INTEGER;
ALTER TABLE deliveries ADD COLUMN left_at TEXT;
ALTER TABLE deliveries ADD COLUMN paid INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_queue ON deliveries (kind, status, due_at, up_to, turn)
    WHERE due_at IS NOT NULL;
CREATE INDEX deliveries_run ON deliveries (run_id) WHERE run_id IS NOT NULL;
-- Finding who is due reads chats by schedule, not one by one.
CREATE INDEX users_schedule
    ON users (timezone, digest_times, days, quiet_start, quiet_end, active, paused, chat_id);

-- One row per digest run: from its first claim until nothing is left to send. Its lateness
-- (seconds after the chosen time when the first message left: median, p95, max) is kept
-- up to date as the run goes, for /stats and /metrics, with the digests it sent paid and
-- their messages (0.1 Star each).
CREATE TABLE digest_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    digests INTEGER NOT NULL DEFAULT 0,
    late_median REAL,
    late_p95 REAL,
    late_max REAL,
    paid_digests INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0
);
