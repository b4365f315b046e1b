-- What every node of a cluster must see alike (db/postgresql has the same tables). One SQLite node
-- uses web_sessions (logins survive a restart); its failed-login throttle counts in memory instead
-- (store.LocalLoginFailures says why), so login_failures stays empty here: it exists so that both
-- schemas have the same tables (estafeta migrate copies every table of the target).

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    notice     TEXT,
    error      TEXT
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
CREATE INDEX web_sessions_last_seen ON web_sessions(last_seen);

CREATE TABLE login_failures (
    address       TEXT NOT NULL,
    account       TEXT NOT NULL,
    window_start  INTEGER NOT NULL,
    failures      INTEGER NOT NULL,
    refused_until INTEGER NOT NULL,
    PRIMARY KEY (address, account)
);
CREATE INDEX login_failures_account ON login_failures(account);
