package org.estafeta.smtp.server;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.estafeta.auth.Authenticator;
import org.estafeta.delivery.Inbound;
import org.estafeta.net.Connection;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Protocol;
import org.estafeta.net.TraceRules;
import org.estafeta.smtp.Reply;
import org.estafeta.store.Blobs;

/** The SMTP receiving service: one {@link SmtpSession} per connection. */
public final class SmtpServer implements Protocol {

    /**
     * RFC 4954 §4: AUTH's initial response and every line after a 334 challenge are credentials;
     * after 354 the client sends the message (RFC 5321 §4.1.1.4) until the server replies again.
     */
    private static final TraceRules TRACE = new TraceRules(false, Map.of("AUTH", 1), List.of("334"), "354");

    private final String name;
    private final SmtpRole role;
    /** Volatile: a reload ({@link #reconfigure}) gives the sessions that start after it new settings. */
    private volatile SmtpSettings settings;
    private final Authenticator authenticator;
    private final Inbound inbound;

    public SmtpServer(String name, SmtpRole role, SmtpSettings settings, Authenticator authenticator, Inbound inbound) {
        this.name = name;
        this.role = role;
        this.settings = settings;
        this.authenticator = authenticator;
        this.inbound = inbound;
    }

    /** Settings for the sessions that start from now on (a configuration reload); running ones keep theirs. */
    public void reconfigure(SmtpSettings settings) {
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
        new SmtpSession(name, role, connection, settings, authenticator, inbound).run();
    }

    @Override
    public void refuse(Connection connection, ConnectionLimiter.Refusal why) throws IOException {
        connection.write(Reply.of(421, "4.7.0", settings.hostname() + " Error: " + why.text()).wire());
        connection.flush();
    }
}
