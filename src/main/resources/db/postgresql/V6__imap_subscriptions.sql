-- IMAP subscriptions are names, not mailboxes (RFC 9051 §6.3.9; see db/sqlite/V6).
CREATE TABLE subscriptions (
    account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       text COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, name)
);
INSERT INTO subscriptions(account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed = 1;
ALTER TABLE mailboxes DROP COLUMN subscribed;

-- The highest UIDVALIDITY the account ever gave out, deleted mailboxes included (RFC 9051 §2.3.1.1).
ALTER TABLE accounts ADD COLUMN last_uidvalidity bigint NOT NULL DEFAULT 0;
UPDATE accounts SET last_uidvalidity = (SELECT coalesce(max(uidvalidity), 0) FROM mailboxes WHERE account_id = accounts.id);
