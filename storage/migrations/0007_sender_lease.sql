-- One sender per database: the bot process that sends holds this row and renews it.
CREATE TABLE sender_lease (
    name TEXT PRIMARY KEY,  -- 'sender'
    instance TEXT NOT NULL,  -- a fresh id per process start
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    heartbeat_at TEXT NOT NULL
);
