-- Core schema: who we serve, who can log in, where their mail is.
-- Addresses and domain names are stored lower-case; lookups lower-case their input.

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE domains (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    name    TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    domain_id     INTEGER NOT NULL REFERENCES domains(id),
    address       TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0,
    disabled      INTEGER NOT NULL DEFAULT 0,
    quota_bytes   INTEGER,
    created       INTEGER NOT NULL
);

-- One row per target; an address with several rows expands to all of them.
-- address '@example.org' is the catch-all of example.org.
CREATE TABLE aliases (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    domain_id INTEGER NOT NULL REFERENCES domains(id),
    address   TEXT NOT NULL,
    target    TEXT NOT NULL,
    UNIQUE (address, target)
);

CREATE TABLE mailboxes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    special_use   TEXT,
    uidvalidity   INTEGER NOT NULL,
    uidnext       INTEGER NOT NULL DEFAULT 1,
    highestmodseq INTEGER NOT NULL DEFAULT 1,
    subscribed    INTEGER NOT NULL DEFAULT 1,
    UNIQUE (account_id, name)
);

-- flags: bit set of the IMAP system flags (see store.Flag); blob: SHA-256 hex of the content.
CREATE TABLE messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox_id   INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid          INTEGER NOT NULL,
    modseq       INTEGER NOT NULL,
    blob         TEXT NOT NULL,
    size         INTEGER NOT NULL,
    internaldate INTEGER NOT NULL,
    flags        INTEGER NOT NULL DEFAULT 0,
    envelope     TEXT,
    bodystructure TEXT,
    UNIQUE (mailbox_id, uid)
);
CREATE INDEX messages_blob ON messages(blob);

CREATE TABLE keywords (
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    keyword    TEXT NOT NULL,
    PRIMARY KEY (message_id, keyword)
);
