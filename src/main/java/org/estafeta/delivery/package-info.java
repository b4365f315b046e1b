/**
 * The one inbound path: every message that enters the store or the queue comes through
 * {@link org.estafeta.delivery.Inbound} (SMTP and submission, the webmail's send, DSNs and notices,
 * import). A caller routes each recipient ({@code Inbound.route}: local mailboxes, alias forwards,
 * remote, full, unknown), {@code open}s an {@link org.estafeta.delivery.InboundMessage} with its
 * {@link org.estafeta.delivery.InboundEnvelope} and {@link org.estafeta.delivery.Channel}, writes the
 * content (CRLF, not dot-stuffed) and calls {@code commit()}, which returns the queue id once the
 * message is durable for every recipient, or throws {@link org.estafeta.delivery.Refused} (an SMTP
 * reply) or {@code IOException} and nobody has it.
 *
 * <p>The pipeline alone owns: the queue id, the trace fields (Return-Path, Received with the login and
 * TLS, Delivered-To of forwarding aliases), loop checks ({@code limits.hops}, Delivered-To), the author
 * check for logged-in users (header From/Sender must be theirs), Date/Message-ID completion on
 * submission (inserted where the header section ends, RFC 5322 §2.2, with the empty line a hand-typed
 * message lacks), quota, the MIME structure and typed summary (parsed from the same stream that writes
 * the blob: the content is read once), SRS for forwarded copies, and the one transaction that files
 * local copies and queues remote ones.
 *
 * <p>IMAP APPEND and {@code estafeta import} use the channel IMPORTED: the caller names each copy's
 * mailbox, flags, keywords and date ({@code InboundMessage.dated}), and the message is stored byte for
 * byte (no trace fields, no arrival verdicts, no filter). {@code Inbound.commitAll} commits several
 * messages in one transaction, all or none (MULTIAPPEND); {@code InboundMessage.uids()} gives the UIDs.
 *
 * <h2>Hooks</h2>
 * <ul>
 *   <li>{@link org.estafeta.delivery.ArrivalCheck} ({@code Inbound.addCheck}): SPF, DKIM, DMARC, spam.
 *   Runs once per message after the content is in, before anything is stored, with the envelope, the
 *   channel (client address, HELO, TLS, login) and the message (header section as sent, content to
 *   read again from memory). Its {@code Verdict} may prepend header fields (above Received), remove
 *   fields that came in (a forged Authentication-Results), send the local copies to Junk, or refuse
 *   with a reply. A check that throws is logged and skipped: it never loses mail. Two live here:
 *   {@link org.estafeta.delivery.AuthenticationCheck} (SPF, DKIM, DMARC through {@code mailauth}) and
 *   {@link org.estafeta.delivery.SpamCheck} (rspamd).</li>
 *   <li>{@link org.estafeta.delivery.MessageSigner} ({@code Inbound.signWith}): DKIM. Runs once per
 *   message a logged-in user submits (SMTP submission, webmail), after the verdicts, on the content as
 *   it will be stored (Date and Message-ID completed); its fields go on top. Signing here rather than
 *   at relay time means one signature for every copy and retry, and nothing forwarded is signed.</li>
 *   <li>{@link org.estafeta.delivery.RecipientFilter} ({@code Inbound.filterWith}): Sieve. Runs once per
 *   local account a message reaches, after it is stored as a blob and parsed, with the recipient
 *   address, the envelope, the parsed message (structure and summary) and the implicit keep (INBOX,
 *   or Junk by a verdict). Its {@code Decision} lists the mailboxes with flags and keywords (a mailbox
 *   that does not exist means INBOX), redirects (queued with an SRS sender), replies (sent with the null
 *   reverse-path) or a rejection (the SMTP reply when every recipient rejects, else a DSN). A filter that
 *   throws means implicit keep (RFC 5228 §2.10.6).</li>
 * </ul>
 *
 * <p>Protocol packages use only the public types here; {@code RecipientResolver}, {@code Srs} and the
 * trace writer are the pipeline's own.
 */
package org.estafeta.delivery;
