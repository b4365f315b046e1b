-- The full-text index behind IMAP SEARCH TEXT/BODY (see db/sqlite/V8): per message content (blob),
-- the lower-case text the search looks in. SQLite's FTS5 trigram table becomes a plain table with
-- pg_trgm GIN indexes, which serve the same LIKE '%needle%'; its rowid an identity column of that name,
-- so that the statements name it alike on both.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE message_text (
    rowid  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    header text,
    body   text
);
CREATE INDEX message_text_header ON message_text USING gin (header gin_trgm_ops);
CREATE INDEX message_text_body ON message_text USING gin (body gin_trgm_ops);

CREATE TABLE message_text_blobs (
    blob       text COLLATE "C" PRIMARY KEY,
    text_rowid bigint NOT NULL
);

-- When the last message with a content goes (expunge, a mailbox or account removed), its text goes too.
CREATE FUNCTION message_text_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM messages WHERE blob = OLD.blob) THEN
        DELETE FROM message_text WHERE rowid = (SELECT text_rowid FROM message_text_blobs WHERE blob = OLD.blob);
        DELETE FROM message_text_blobs WHERE blob = OLD.blob;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER message_text_gone AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION message_text_gone();
