-- Schema version 4: the rooms each account is a member of (issue 5), so that memberships survive
-- disconnects, client restarts and server restarts. A row is written when a logged-in session joins
-- and deleted when the account leaves the room, is kicked or banned from it, or is deleted itself.
-- Guests have no rows: a guest's nickname is not an identity.

CREATE TABLE memberships (
    account_key TEXT    NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
    room_key    TEXT    NOT NULL, -- ContentRules.Key of the room name
    room_name   TEXT    NOT NULL, -- the room's display name, as Welcome.rooms lists it
    joined_ms   INTEGER NOT NULL, -- the first join: Welcome.rooms is in this order
    PRIMARY KEY (account_key, room_key)
) WITHOUT ROWID;
