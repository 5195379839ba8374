-- Schema version 1. Applied in one transaction together with PRAGMA user_version = 1.

-- One row per conversation ever written to. last_seq only grows: retention deletes messages, never
-- this row, so a sequence number is never handed out twice (clients resume from the last one they saw).
CREATE TABLE conversations (
    conversation TEXT    NOT NULL PRIMARY KEY,
    last_seq     INTEGER NOT NULL CHECK (last_seq >= 0)
) WITHOUT ROWID;

-- Clustered on (conversation, seq): history pages are one range scan of one B-tree, and an append
-- touches one B-tree instead of a rowid table plus an index. The cost of WITHOUT ROWID is that rows
-- spill to overflow pages sooner (about 1 KB on a 4 KB page instead of about 4 KB); chat lines are
-- mostly far shorter, so the trade is worth it.
CREATE TABLE messages (
    conversation  TEXT    NOT NULL REFERENCES conversations (conversation),
    seq           INTEGER NOT NULL CHECK (seq > 0),
    message_id    INTEGER NOT NULL, -- a ulong stored bit for bit in SQLite's signed 64-bit integer
    ts_ms         INTEGER NOT NULL,
    sender_key    TEXT    NOT NULL,
    sender_nick   TEXT    NOT NULL,
    recipient     TEXT    NOT NULL,
    text          TEXT    NOT NULL,
    action        INTEGER NOT NULL CHECK (action IN (0, 1)),
    client_msg_id TEXT    NOT NULL,
    PRIMARY KEY (conversation, seq)
) WITHOUT ROWID;

-- Idempotent sends: a retried message (same sender, same client id, same conversation) is found
-- instead of stored twice. Partial, because an empty client id means "no id" and must never match.
-- Lookups must repeat the WHERE clause (client_msg_id <> '') or SQLite cannot use this index.
CREATE UNIQUE INDEX messages_client_msg_id
    ON messages (conversation, sender_key, client_msg_id)
    WHERE client_msg_id <> '';

CREATE TABLE rooms (
    key          TEXT    NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    topic_set_by TEXT    NOT NULL,
    created_ms   INTEGER NOT NULL
) WITHOUT ROWID;

-- No foreign key to conversations: a marker may be set before the conversation's first message.
CREATE TABLE read_markers (
    user_key     TEXT    NOT NULL,
    conversation TEXT    NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq >= 0),
    PRIMARY KEY (user_key, conversation)
) WITHOUT ROWID;
