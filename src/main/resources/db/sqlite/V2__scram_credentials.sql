-- SCRAM-SHA-256 (RFC 5802, RFC 7677) needs salted keys made from the plaintext when the password is set.
-- RFC 5803 form: SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> (base64).
-- NULL: made before this column existed; SCRAM works for the account once its password is set again.
ALTER TABLE accounts ADD COLUMN scram_sha256 TEXT;
