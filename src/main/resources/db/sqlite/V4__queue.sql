-- The outbound queue: a message once, each remote recipient tracked on its own.
-- (V2 and V3 are taken by the POP3 and IMAP work.)

CREATE TABLE queue_messages (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    queue_id TEXT NOT NULL UNIQUE,
    sender   TEXT NOT NULL,          -- '' is the null reverse-path (bounces)
    blob     TEXT NOT NULL,
    size     INTEGER NOT NULL,
    envid    TEXT,                   -- RFC 3461 ENVID
    ret      TEXT,                   -- RFC 3461 RET: FULL or HDRS
    created  INTEGER NOT NULL        -- epoch millis
);

-- status: queued (to try), failed (permanent error or expired, bounce to send), delivered, done
CREATE TABLE queue_recipients (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id     INTEGER NOT NULL REFERENCES queue_messages(id) ON DELETE CASCADE,
    address        TEXT NOT NULL,
    domain         TEXT NOT NULL,
    notify         TEXT,             -- RFC 3461 NOTIFY, e.g. 'FAILURE,DELAY'
    orcpt          TEXT,             -- RFC 3461 ORCPT, as received
    status         TEXT NOT NULL DEFAULT 'queued',
    attempts       INTEGER NOT NULL DEFAULT 0,
    next_attempt   INTEGER NOT NULL,
    locked_until   INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    remote_mta     TEXT,
    delay_notified INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX queue_recipients_due ON queue_recipients(status, next_attempt);
CREATE INDEX queue_recipients_message ON queue_recipients(message_id);
