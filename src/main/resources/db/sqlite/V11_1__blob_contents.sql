-- Small message bodies live here, written in the same transaction as the message or queue rows
-- that name them, so that one commit (one WAL fsync) makes many arriving messages durable at once.
-- Larger ones stay files under blobs/. Either way a blob is named by the SHA-256 of its bytes.
CREATE TABLE blob_contents (
    hash    TEXT PRIMARY KEY,
    content BLOB NOT NULL
);
