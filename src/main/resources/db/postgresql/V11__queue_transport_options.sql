-- What the sender asked of the next hop (see db/sqlite/V11).
ALTER TABLE queue_messages ADD COLUMN binarymime integer NOT NULL DEFAULT 0;
ALTER TABLE queue_messages ADD COLUMN require_tls integer;
