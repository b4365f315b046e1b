-- Contents not yet in the full-text index, queued by a trigger and drained by the background indexer
-- (see db/sqlite/V10).
CREATE TABLE message_text_pending (
    blob text COLLATE "C" PRIMARY KEY
);

INSERT INTO message_text_pending(blob)
    SELECT DISTINCT blob FROM messages WHERE blob NOT IN (SELECT blob FROM message_text_blobs)
    ON CONFLICT DO NOTHING;

CREATE FUNCTION message_text_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM message_text_blobs WHERE blob = NEW.blob) THEN
        INSERT INTO message_text_pending(blob) VALUES (NEW.blob) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER message_text_new AFTER INSERT ON messages FOR EACH ROW EXECUTE FUNCTION message_text_new();

CREATE OR REPLACE FUNCTION message_text_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM messages WHERE blob = OLD.blob) THEN
        DELETE FROM message_text WHERE rowid = (SELECT text_rowid FROM message_text_blobs WHERE blob = OLD.blob);
        DELETE FROM message_text_blobs WHERE blob = OLD.blob;
        DELETE FROM message_text_pending WHERE blob = OLD.blob;
    END IF;
    RETURN NULL;
END $$;

-- A search finds texts first and then their contents by rowid.
CREATE INDEX message_text_blobs_rowid ON message_text_blobs(text_rowid);
