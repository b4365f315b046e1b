-- Contents not yet in the full-text index: a message's insert queues its content here when the index
-- does not have it, the background indexer (store.TextIndexer) drains it, and a search reads only the
-- contents still queued, so no search has to compare the whole mailbox against the index.
CREATE TABLE message_text_pending (
    blob TEXT PRIMARY KEY
);

INSERT OR IGNORE INTO message_text_pending(blob)
    SELECT blob FROM messages WHERE blob NOT IN (SELECT blob FROM message_text_blobs);

CREATE TRIGGER message_text_new AFTER INSERT ON messages
WHEN NOT EXISTS (SELECT 1 FROM message_text_blobs WHERE blob = NEW.blob)
BEGIN
    INSERT OR IGNORE INTO message_text_pending(blob) VALUES (NEW.blob);
END;

DROP TRIGGER message_text_gone;
CREATE TRIGGER message_text_gone AFTER DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM messages WHERE blob = OLD.blob)
BEGIN
    DELETE FROM message_text WHERE rowid = (SELECT text_rowid FROM message_text_blobs WHERE blob = OLD.blob);
    DELETE FROM message_text_blobs WHERE blob = OLD.blob;
    DELETE FROM message_text_pending WHERE blob = OLD.blob;
END;

-- A search finds texts first and then their contents by rowid.
CREATE INDEX message_text_blobs_rowid ON message_text_blobs(text_rowid);
