package org.estafeta.delivery;

import java.io.IOException;
import java.util.List;
import org.estafeta.net.Connection;

/**
 * Queued mail leased for an ATRN client (RFC 2645): once the session has said "250 OK now reversing
 * the connection", {@link #deliverOver} sends it as an SMTP client over that same connection.
 */
public interface Pickup {

    /** How many recipients wait for the client. */
    int recipients();

    /** Delivers everything; what the client does not accept stays queued (or bounces, if refused for good). */
    void deliverOver(Connection connection) throws IOException;

    /** What the queue offers the SMTP server: leases what waits for these domains, or null when nothing does. */
    interface Source {
        Pickup claim(List<String> domains);
    }
}
