-- IMAP subscriptions are names, not mailboxes (RFC 9051 §6.3.9): a subscription outlives the
-- deletion of its mailbox and may name one that does not exist (LIST shows it \NonExistent).
CREATE TABLE subscriptions (
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
INSERT INTO subscriptions(account_id, name) SELECT account_id, name FROM mailboxes WHERE subscribed = 1;
ALTER TABLE mailboxes DROP COLUMN subscribed;

-- The highest UIDVALIDITY the account ever gave out, deleted mailboxes included, so that a name
-- deleted and made again within one second still gets a new one (RFC 9051 §2.3.1.1).
ALTER TABLE accounts ADD COLUMN last_uidvalidity INTEGER NOT NULL DEFAULT 0;
UPDATE accounts SET last_uidvalidity = (SELECT coalesce(max(uidvalidity), 0) FROM mailboxes WHERE account_id = accounts.id);
