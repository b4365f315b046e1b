-- The full-text index keeps which texts hold each trigram, not where (detail=none): a search asks
-- LIKE '%needle%', which SQLite checks against each candidate text whatever the detail, so the
-- positions were never read, and writing them took half of each index update (half the writer's
-- time under a burst of mail) and 60% of the index's size. Every content is indexed again in the
-- background; until then a search reads the contents still queued itself, as after any arrival.
DROP TABLE message_text;
CREATE VIRTUAL TABLE message_text USING fts5(header, body, tokenize = 'trigram', detail = none);
INSERT OR IGNORE INTO message_text_pending(blob) SELECT blob FROM message_text_blobs;
DELETE FROM message_text_blobs;
