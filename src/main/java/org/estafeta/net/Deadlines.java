package org.estafeta.net;

import java.time.Duration;

/**
 * How long a client may take, enforced by {@link Connection} for every protocol. The idle timeout
 * alone bounds only the wait for each byte, so a client sending one byte a second (slowloris) could
 * hold a command line, a message body or a TLS handshake — and its connection slot — forever; these
 * bound the whole of each.
 *
 * @param idle        the longest wait for the client to send anything
 * @param tlsHandshake the whole TLS handshake, implicit or after STARTTLS/STLS
 * @param commandLine one command line, from its first byte to its line end
 * @param minDataRate octets per second a bulk transfer (SMTP DATA, an IMAP literal) must average once
 *                    {@code commandLine} has passed since it began; 0 turns the check off
 */
public record Deadlines(Duration idle, Duration tlsHandshake, Duration commandLine, long minDataRate) {

    public Deadlines {
        if (!idle.isPositive() || !tlsHandshake.isPositive() || !commandLine.isPositive()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (minDataRate < 0) throw new IllegalArgumentException("the minimum data rate must not be negative");
    }

    /** The same deadlines with another idle timeout (POP3's and IMAP's are longer than SMTP's). */
    public Deadlines withIdle(Duration idle) {
        return new Deadlines(idle, tlsHandshake, commandLine, minDataRate);
    }
}
