-- What the sender asked of the next hop (store.MailOption), kept with the queued message (see db/sqlite/V11).
-- binarymime: RFC 3030 BODY=BINARYMIME; require_tls: RFC 8689, 1 = REQUIRETLS, 0 = "TLS-Required: No", NULL = neither.
ALTER TABLE queue_messages ADD COLUMN binarymime integer NOT NULL DEFAULT 0;
ALTER TABLE queue_messages ADD COLUMN require_tls integer;
