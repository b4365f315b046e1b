-- The full-text index behind IMAP SEARCH TEXT/BODY: per message content (blob), the text the search
-- looks in (mime.SearchableText), lower case. The trigram tokenizer lets LIKE '%needle%' use the
-- index, so a search answers what a scan of every message would, without reading the messages.
CREATE VIRTUAL TABLE message_text USING fts5(header, body, tokenize = 'trigram');

CREATE TABLE message_text_blobs (
    blob       TEXT PRIMARY KEY,
    text_rowid INTEGER NOT NULL
);

-- When the last message with a content goes (expunge, a mailbox or account removed), its text goes too.
CREATE TRIGGER message_text_gone AFTER DELETE ON messages
WHEN NOT EXISTS (SELECT 1 FROM messages WHERE blob = OLD.blob)
BEGIN
    DELETE FROM message_text WHERE rowid = (SELECT text_rowid FROM message_text_blobs WHERE blob = OLD.blob);
    DELETE FROM message_text_blobs WHERE blob = OLD.blob;
END;
