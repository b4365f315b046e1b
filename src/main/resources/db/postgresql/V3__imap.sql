-- IMAP: the non-extensible BODY, \Recent bookkeeping, and the UIDs expunged since a MODSEQ (see db/sqlite/V3).

ALTER TABLE messages ADD COLUMN body text;

ALTER TABLE mailboxes ADD COLUMN recent_uid bigint NOT NULL DEFAULT 0;

CREATE TABLE expunged (
    mailbox_id bigint NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid        bigint NOT NULL,
    modseq     bigint NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);

CREATE INDEX messages_modseq ON messages(mailbox_id, modseq);
