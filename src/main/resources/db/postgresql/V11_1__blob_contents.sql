-- Small message bodies live here, written in the same transaction as the rows that name them
-- (see db/sqlite/V11_1); larger ones stay files under blobs/. A blob is named by the SHA-256 of its bytes.
CREATE TABLE blob_contents (
    hash    text COLLATE "C" PRIMARY KEY,
    content bytea NOT NULL
);
