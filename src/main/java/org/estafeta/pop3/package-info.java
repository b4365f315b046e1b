/**
 * The POP3 server (RFC 1939) with CAPA (RFC 2449), STLS (RFC 2595), AUTH (RFC 5034) and response
 * codes (RFC 2449, RFC 3206).
 *
 * <p>Invariants: the maildrop is the account's INBOX, locked for the whole session and read once at
 * login; message numbers and sizes do not change during a session. Nothing is written to the store
 * before QUIT: DELE and RETR only mark, and the UPDATE state expunges the deleted messages and sets
 * \Seen on the retrieved ones, so a dropped connection or an idle timeout changes nothing. Sizes are
 * the stored octet counts, which are exactly what RETR sends before dot-stuffing, because stored
 * messages always have CRLF line ends. Plaintext passwords (USER/PASS, AUTH PLAIN/LOGIN) need TLS
 * or a client in net.lenient_networks.
 */
package org.estafeta.pop3;
