-- Schema version 2: accounts, resume tokens, invite codes (issue 4). Secrets are never stored: passwords
-- only as Argon2id PHC strings (their parameters inside, so they can be raised), tokens and invite codes only
-- as the hex SHA-256 of the secret. Moderation keys its own tables (bans, room roles) by accounts.key.

CREATE TABLE accounts (
    key           TEXT    NOT NULL PRIMARY KEY, -- ContentRules.Key of the name: the identity
    name          TEXT    NOT NULL,             -- as registered (NFC), for display
    password_hash TEXT    NOT NULL,             -- $argon2id$v=19$m=...,t=...,p=1$salt$hash
    admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1)),
    created_ms    INTEGER NOT NULL
) WITHOUT ROWID;

-- A revoked token is deleted; an expired one stays until its account's next token is made (and is refused).
CREATE TABLE resume_tokens (
    token_hash  TEXT    NOT NULL PRIMARY KEY,
    account_key TEXT    NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX resume_tokens_account ON resume_tokens (account_key);

-- Single-use: a code is deleted in the transaction that creates the account it admitted.
CREATE TABLE invites (
    code_hash  TEXT    NOT NULL PRIMARY KEY,
    created_by TEXT    NOT NULL,
    created_ms INTEGER NOT NULL
) WITHOUT ROWID;
