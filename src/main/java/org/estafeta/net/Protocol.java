package org.estafeta.net;

import java.io.IOException;

/** What a listener serves: a session per accepted connection, and a refusal when over a limit. */
public interface Protocol {

    /** Name for logs and thread names, such as {@code smtp} or {@code pop3s}. */
    String name();

    /** What the live session trace masks (passwords, AUTH data) and shortens (message bodies) in this protocol. */
    TraceRules traceRules();

    /** Runs the whole session on the calling (virtual) thread; the connection is closed afterwards. */
    void serve(Connection connection) throws IOException;

    /** Says in the protocol's words that the connection is refused, before it is closed. */
    void refuse(Connection connection, ConnectionLimiter.Refusal why) throws IOException;
}
