-- The cached summary becomes typed data (store.MessageSummary with its MessageStructure, written by
-- store.sql.SummaryCodec) in one column, instead of IMAP wire text in three: IMAP writes ENVELOPE and
-- BODYSTRUCTURE from it and the webmail lists from it. Existing rows start with none: a message's
-- summary is computed from its content when it is first read and written back, so an upgrade reads
-- no message content. Dropping the old columns rewrites the messages rows once (SQLite), which reads
-- no content either; PostgreSQL only marks them dropped.
ALTER TABLE messages ADD COLUMN summary BLOB;
ALTER TABLE messages DROP COLUMN envelope;
ALTER TABLE messages DROP COLUMN body;
ALTER TABLE messages DROP COLUMN bodystructure;
