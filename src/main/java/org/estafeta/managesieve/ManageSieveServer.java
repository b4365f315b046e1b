package org.estafeta.managesieve;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.estafeta.auth.Authenticator;
import org.estafeta.net.Connection;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Protocol;
import org.estafeta.net.TraceRules;
import org.estafeta.store.SieveScripts;

/** The ManageSieve service: one {@link ManageSieveSession} per connection. */
public final class ManageSieveServer implements Protocol {

    /** RFC 5804 §2.1: AUTHENTICATE's initial response, and the client's answer to each challenge (a string or a literal). */
    private static final TraceRules TRACE = new TraceRules(false, Map.of("AUTHENTICATE", 1), List.of("\"", "{"), null);

    private final ManageSieveSettings settings;
    private final Authenticator authenticator;
    private final SieveScripts scripts;

    public ManageSieveServer(ManageSieveSettings settings, Authenticator authenticator, SieveScripts scripts) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.scripts = scripts;
    }

    @Override
    public TraceRules traceRules() {
        return TRACE;
    }

    @Override
    public String name() {
        return "managesieve";
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new ManageSieveSession(connection, settings, authenticator, scripts).run();
    }

    @Override
    public void refuse(Connection connection, ConnectionLimiter.Refusal why) throws IOException {
        connection.write("BYE (TRYLATER) " + ManageSieveWriter.quoted(why.text()) + "\r\n");
        connection.flush();
    }
}
