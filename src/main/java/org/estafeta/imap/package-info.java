/**
 * The IMAP server (RFC 9051 IMAP4rev2 and RFC 3501 IMAP4rev1). {@link org.estafeta.imap.ImapSession}
 * owns a connection: it reads a command line, {@code ImapReader} parses it (pulling literals from the
 * connection as it meets them), the dispatcher checks the command's allowed states once, and one
 * package-private class per command group acts. Invariants:
 * <ul>
 * <li>Sequence numbers change only when the client is told: {@code SelectedMailbox} is the session's
 * view, brought up to date at the end of commands, never with EXPUNGE during FETCH, STORE or SEARCH by
 * sequence number.</li>
 * <li>Nothing is answered OK before it is durable: APPEND writes and fsyncs the blob, then commits.</li>
 * <li>Message content is streamed from the blob; only headers and the MIME offsets are kept in memory.</li>
 * <li>Client text echoed in responses is sanitised; exception text never reaches the client.</li>
 * </ul>
 */
package org.estafeta.imap;
