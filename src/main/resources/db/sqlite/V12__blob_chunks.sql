-- Message bodies above store.inline_blob_size kept in the database (store.blobs = "database");
-- the same tables as db/postgresql/V12, where they matter most (several nodes share the bodies).
-- AUTOINCREMENT: a finished upload's row is deleted while its chunks stay, so a number must never
-- be given twice (a plain rowid would give the highest one again).
CREATE TABLE blob_uploads (
    blob    INTEGER PRIMARY KEY AUTOINCREMENT,
    started INTEGER NOT NULL
);

CREATE TABLE blob_chunks (
    blob  INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    bytes BLOB    NOT NULL,
    PRIMARY KEY (blob, seq)
);

CREATE TABLE chunked_blobs (
    hash       TEXT    PRIMARY KEY,
    blob       INTEGER NOT NULL UNIQUE,
    size       INTEGER NOT NULL,
    chunk_size INTEGER NOT NULL
);
