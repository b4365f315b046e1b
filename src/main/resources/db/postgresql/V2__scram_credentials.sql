-- SCRAM-SHA-256 (RFC 5802, RFC 7677) salted keys, RFC 5803 form (see db/sqlite/V2).
ALTER TABLE accounts ADD COLUMN scram_sha256 text;
