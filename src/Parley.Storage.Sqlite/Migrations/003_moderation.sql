-- Schema version 3: moderation (issue 4, docs/PROTOCOL.md "Moderation"): room owners, modes and
-- operators; room and server bans; mutes. Accounts are identity keys (lower-cased NFKC names); masks are
-- 'account:KEY' or 'address:IP/PREFIX' in the server's canonical form. Times are Unix milliseconds; expires_ms 0 = never.

-- One row per room with an owner or a mode set. No foreign key to rooms: a room's moderation outlives
-- nothing else, and the server writes it right after the room row.
CREATE TABLE room_settings (
    room_key     TEXT    NOT NULL PRIMARY KEY,
    owner        TEXT    NOT NULL,                  -- '' when a guest created the room
    invite_only  INTEGER NOT NULL CHECK (invite_only IN (0, 1)),
    topic_locked INTEGER NOT NULL CHECK (topic_locked IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE room_operators (
    room_key TEXT NOT NULL,
    account  TEXT NOT NULL,
    PRIMARY KEY (room_key, account)
) WITHOUT ROWID;

-- scope is a room key, or '' for a server-wide ban. Loaded per room with the room (one range scan of the
-- primary key), and at start for the server's.
CREATE TABLE bans (
    scope      TEXT    NOT NULL,
    mask       TEXT    NOT NULL,
    set_by     TEXT    NOT NULL,
    reason     TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL CHECK (expires_ms >= 0),
    PRIMARY KEY (scope, mask)
) WITHOUT ROWID;

CREATE TABLE mutes (
    room_key   TEXT    NOT NULL,
    mask       TEXT    NOT NULL,
    set_by     TEXT    NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL CHECK (expires_ms >= 0),
    PRIMARY KEY (room_key, mask)
) WITHOUT ROWID;
