-- Admin REST API tokens (web): only the SHA-256 of a token is kept; it dies with its account.
CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created    INTEGER NOT NULL
);
