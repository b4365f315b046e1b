-- What the sender asked of the next hop (store.MailOption), kept with the queued message.
-- binarymime: RFC 3030 BODY=BINARYMIME, relayed only with BDAT to a peer that offers BINARYMIME.
-- require_tls: RFC 8689: 1 = REQUIRETLS on MAIL FROM, 0 = "TLS-Required: No" in the header, NULL = neither.
ALTER TABLE queue_messages ADD COLUMN binarymime INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_messages ADD COLUMN require_tls INTEGER;
