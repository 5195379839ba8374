-- Schema version 4: the rooms each account is a member of (issue 5), and the changes administrators
-- make with `parley admin` for a running server to pick up.

-- Memberships survive disconnects, client restarts and server restarts. A row is written when a logged-in session joins
-- and deleted when the account leaves the room, is kicked or banned from it, or is deleted itself.
-- Guests have no rows: a guest's nickname is not an identity.

CREATE TABLE memberships (
    account_key TEXT    NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
    room_key    TEXT    NOT NULL, -- ContentRules.Key of the room name
    room_name   TEXT    NOT NULL, -- the room's display name, as Welcome.rooms lists it
    joined_ms   INTEGER NOT NULL, -- the first join: Welcome.rooms is in this order
    PRIMARY KEY (account_key, room_key)
) WITHOUT ROWID;

-- `parley admin ban` and `parley admin user` write here after their change; a running server polls the
-- table (a primary-key range scan) and applies what it finds: reloads the server bans, ends the sessions of
-- a deleted or reset account, updates an administrator flag. Old rows are pruned by the writer.
CREATE TABLE admin_changes (
    id      INTEGER PRIMARY KEY, -- grows: pruning never deletes the newest row
    kind    TEXT    NOT NULL, -- 'ban', 'account' or 'logout' (AdminChange)
    subject TEXT    NOT NULL, -- the ban mask, or the account key
    at_ms   INTEGER NOT NULL
);
