-- Sieve (RFC 5228) scripts per account, at most one active (RFC 5804 §1.2), and the vacation
-- extension's once-per-period record (RFC 5230 §4.2); see db/sqlite/V7.
CREATE TABLE sieve_scripts (
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       text COLLATE "C" NOT NULL,
    content    text NOT NULL,
    active     integer NOT NULL DEFAULT 0,
    updated    bigint NOT NULL,
    PRIMARY KEY (account_id, name)
);
CREATE UNIQUE INDEX sieve_scripts_one_active ON sieve_scripts(account_id) WHERE active = 1;

CREATE TABLE sieve_vacation_replies (
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    sender     text COLLATE "C" NOT NULL,
    handle     text COLLATE "C" NOT NULL,
    until      bigint NOT NULL,
    PRIMARY KEY (account_id, sender, handle)
);
