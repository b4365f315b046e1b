-- Sieve (RFC 5228) scripts per account, at most one active (RFC 5804 §1.2), and the vacation
-- extension's once-per-period record of whom an auto-reply was sent to (RFC 5230 §4.2).
CREATE TABLE sieve_scripts (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    content    TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0,
    updated    INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);
CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts(account_id) WHERE active = 1;

CREATE TABLE sieve_vacation_replies (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sender     TEXT NOT NULL,
    handle     TEXT NOT NULL,
    until      INTEGER NOT NULL,
    PRIMARY KEY (account_id, sender, handle)
);
