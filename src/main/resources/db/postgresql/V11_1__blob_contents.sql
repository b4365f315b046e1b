-- Small message bodies, written in the transaction of the rows that name them (see db/sqlite/V11_1).
CREATE TABLE blob_contents (
    hash    text COLLATE "C" PRIMARY KEY,
    content bytea NOT NULL
);
