-- What every node of a cluster must see alike, so that any node serves any request.

-- Web logins: the cookie carries a random token; only its SHA-256 is kept, so a copy of the database
-- logs nobody in. A session dies with its account, and the store ends an account's sessions in the
-- same transaction that disables it or gives it a new password.
CREATE TABLE web_sessions (
    token_hash text COLLATE "C" PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The session's own CSRF token (useless without the cookie).
    csrf       text NOT NULL,
    created    bigint NOT NULL,
    -- Moved on by requests, at most every tenth of web.session_timeout (not a write per request).
    last_seen  bigint NOT NULL,
    -- A message for the next page this session sees ("Message sent."), on whichever node serves it.
    notice     text,
    error      text
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
CREATE INDEX web_sessions_last_seen ON web_sessions(last_seen);

-- Failed logins of the auth throttle, counted per client address (account ''), per account (address
-- ''), and per address and account. Swept once their window and any delay are over.
CREATE TABLE login_failures (
    address       text COLLATE "C" NOT NULL,
    account       text COLLATE "C" NOT NULL,
    window_start  bigint NOT NULL,
    failures      integer NOT NULL,
    -- Refused unchecked until then (epoch ms); 0 while not blocked.
    refused_until bigint NOT NULL,
    PRIMARY KEY (address, account)
);
CREATE INDEX login_failures_account ON login_failures(account);
