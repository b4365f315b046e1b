-- Admin REST API tokens (web): only the SHA-256 of a token is kept; it dies with its account.
CREATE TABLE api_tokens (
    token_hash text COLLATE "C" PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       text NOT NULL,
    created    bigint NOT NULL
);
