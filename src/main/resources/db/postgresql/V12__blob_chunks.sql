-- Message bodies above store.inline_blob_size kept in the database (store.blobs = "database"), so
-- that every node of a cluster reads them; see store.sql.ChunkedBlobs. A body is streamed in as
-- rows of blob_chunks under a number that blob_uploads hands out, before its SHA-256 is known; when
-- it is complete, chunked_blobs names it by that hash (or, if the same content was already there,
-- the new chunks are dropped). Naming by number spares rewriting megabytes to rename them.
CREATE TABLE blob_uploads (
    blob    bigserial PRIMARY KEY,
    started bigint NOT NULL          -- epoch milliseconds: an upload its node never finished is swept after a day
);

CREATE TABLE blob_chunks (
    blob  bigint  NOT NULL,
    seq   integer NOT NULL,
    bytes bytea   NOT NULL,
    PRIMARY KEY (blob, seq)
);

CREATE TABLE chunked_blobs (
    hash       text COLLATE "C" PRIMARY KEY,
    blob       bigint  NOT NULL UNIQUE,
    size       bigint  NOT NULL,
    chunk_size integer NOT NULL      -- every chunk but the last holds this many octets: a reader seeks without counting
);
