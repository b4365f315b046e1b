-- IMAP: the non-extensible BODY next to the cached BODYSTRUCTURE, \Recent bookkeeping, and the UIDs
-- expunged since a MODSEQ (QRESYNC, RFC 7162 §3.2.10).

ALTER TABLE messages ADD COLUMN body TEXT;

-- Highest UID some session has already been told is \Recent (RFC 3501 §2.3.2: one session only).
ALTER TABLE mailboxes ADD COLUMN recent_uid INTEGER NOT NULL DEFAULT 0;

CREATE TABLE expunged (
    mailbox_id INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    modseq     INTEGER NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);

CREATE INDEX messages_modseq ON messages(mailbox_id, modseq);
