package org.estafeta.pop3;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.estafeta.auth.Authenticator;
import org.estafeta.net.Connection;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Protocol;
import org.estafeta.net.TraceRules;
import org.estafeta.store.Blobs;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.Messages;

/** The POP3 service: one {@link Pop3Session} per connection. */
public final class Pop3Server implements Protocol {

    /** RFC 1939 PASS and APOP's digest; RFC 5034 AUTH's initial response and every line after a "+ " challenge. */
    private static final TraceRules TRACE = new TraceRules(false, Map.of("PASS", 0, "APOP", 1, "AUTH", 1), List.of("+ "), null);

    private final String name;
    /** Volatile: a reload ({@link #reconfigure}) gives the sessions that start after it new settings. */
    private volatile Pop3Settings settings;
    private final Authenticator authenticator;
    private final Mailboxes mailboxes;
    private final Messages messages;
    private final Blobs blobs;

    public Pop3Server(String name, Pop3Settings settings, Authenticator authenticator, Mailboxes mailboxes, Messages messages,
                      Blobs blobs) {
        this.name = name;
        this.settings = settings;
        this.authenticator = authenticator;
        this.mailboxes = mailboxes;
        this.messages = messages;
        this.blobs = blobs;
    }

    /** Settings for the sessions that start from now on (a configuration reload); running ones keep theirs. */
    public void reconfigure(Pop3Settings settings) {
        this.settings = settings;
    }

    @Override
    public TraceRules traceRules() {
        return TRACE;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new Pop3Session(name, connection, settings, authenticator, mailboxes, messages, blobs).run();
    }

    @Override
    public void refuse(Connection connection, ConnectionLimiter.Refusal why) throws IOException {
        connection.write(new Pop3Exception(Pop3Exception.SYS_TEMP, why.text()).line());
        connection.flush();
    }
}
