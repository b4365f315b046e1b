package org.estafeta.imap;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.estafeta.auth.Authenticator;
import org.estafeta.delivery.Inbound;
import org.estafeta.events.MailboxEvents;
import org.estafeta.net.Connection;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Protocol;
import org.estafeta.net.TraceRules;
import org.estafeta.store.Blobs;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.Messages;
import org.estafeta.store.Quota;

/** The IMAP listener's protocol: an {@link ImapSession} per connection. */
public final class ImapServer implements Protocol {

    /**
     * RFC 9051 §6.2.3 LOGIN's password (and any literal it sends) and §6.2.2 AUTHENTICATE's responses,
     * up to the tagged reply: a "+" continuation keeps the exchange going.
     */
    private static final TraceRules TRACE = new TraceRules(true, Map.of("LOGIN", 1, "AUTHENTICATE", 1), List.of("+"), null);

    /** What sessions use, shared by all of them. */
    record Services(Authenticator authenticator, Mailboxes mailboxes, Messages messages, Blobs blobs, MailboxEvents events,
                    Quota quota, MailboxSnapshots snapshots, Inbound inbound) {
    }

    /** Told how long each command took, by name (metrics); the session's thread calls it after the tagged reply. */
    public interface CommandTimer {
        CommandTimer NONE = (command, took) -> { };

        void took(String command, java.time.Duration took);
    }

    private final String name;
    /** Volatile: a reload ({@link #reconfigure}) gives the sessions that start after it new settings. */
    private volatile ImapSettings settings;
    private volatile CommandTimer timer = CommandTimer.NONE;
    private final Services services;
    /** Shared by this listener's sessions. */
    private final MailboxSnapshots snapshots;

    public ImapServer(String name, ImapSettings settings, Authenticator authenticator, Mailboxes mailboxes, Messages messages,
                      Blobs blobs, MailboxEvents events, Quota quota, Inbound inbound) {
        this.name = name;
        this.settings = settings;
        this.snapshots = new MailboxSnapshots();
        this.services = new Services(authenticator, mailboxes, messages, blobs, events, quota, snapshots, inbound);
    }

    /** Settings for the sessions that start from now on (a configuration reload); running ones keep theirs. */
    public void reconfigure(ImapSettings settings) {
        this.settings = settings;
    }

    public void timeCommandsWith(CommandTimer timer) {
        this.timer = timer;
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
        ImapSettings settings = this.settings;
        connection.setIdleTimeout(settings.idleTimeout());
        new ImapSession(name, connection, settings, services, timer).run();
    }

    @Override
    public void refuse(Connection connection, ConnectionLimiter.Refusal why) throws IOException {
        connection.write("* BYE [UNAVAILABLE] " + why.text() + "\r\n");
        connection.flush();
    }
}
