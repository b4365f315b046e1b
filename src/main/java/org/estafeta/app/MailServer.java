package org.estafeta.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.estafeta.config.Config;
import org.estafeta.delivery.LocalDelivery;
import org.estafeta.delivery.RecipientResolver;
import org.estafeta.imap.ImapServer;
import org.estafeta.imap.ImapSettings;
import org.estafeta.net.ConnectionLimiter;
import org.estafeta.net.Listener;
import org.estafeta.net.Protocol;
import org.estafeta.smtp.server.SmtpServer;
import org.estafeta.smtp.server.SmtpSettings;
import org.estafeta.tls.TlsContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running server: the store, the TLS context and every listener, started and stopped together. */
public final class MailServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailServer.class);

    private final Storage storage;
    private final List<Listener> listeners = new ArrayList<>();

    private MailServer(Storage storage) {
        this.storage = storage;
    }

    public static MailServer start(Config config) throws IOException {
        Storage storage = Storage.open(config);
        MailServer server = new MailServer(storage);
        try {
            server.startListeners(config);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void startListeners(Config config) throws IOException {
        SSLContext tls = config.tls().certificate() != null
                ? TlsContexts.load(config.tls().certificate(), config.tls().privateKey())
                : TlsContexts.selfSigned(config.server().dataDir().resolve("tls"), config.server().hostname());
        ConnectionLimiter limiter = new ConnectionLimiter(config.limits().connections(), config.limits().connectionsPerIp());
        var resolver = new RecipientResolver(storage.accounts());
        var delivery = new LocalDelivery(storage.mailboxes(), storage.blobs());
        SmtpSettings smtp = SmtpSettings.from(config, tls);
        listen(config, config.ports().smtp(), new SmtpServer("smtp", smtp, resolver, delivery, storage.blobs()), null, limiter);
        listen(config, config.ports().smtps(), new SmtpServer("smtps", smtp, resolver, delivery, storage.blobs()), tls, limiter);
        ImapSettings imap = ImapSettings.from(config, tls);
        listen(config, config.ports().imap(), imapServer("imap", imap), null, limiter);
        listen(config, config.ports().imaps(), imapServer("imaps", imap), tls, limiter);
    }

    private ImapServer imapServer(String name, ImapSettings settings) {
        return new ImapServer(name, settings, storage.accounts(), storage.mailboxes(), storage.messages(), storage.blobs(),
                storage.events());
    }

    private void listen(Config config, int port, Protocol protocol, SSLContext implicitTls, ConnectionLimiter limiter)
            throws IOException {
        if (port < 0) return;
        String bind = config.server().bind();
        InetSocketAddress address = bind.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(bind), port);
        Listener listener = new Listener(address, protocol, implicitTls, limiter, config.limits().idleTimeout());
        listeners.add(listener);
        log.info("{} listening on port {}", protocol.name(), listener.port());
    }

    public Storage storage() {
        return storage;
    }

    /** The actual port of a listener by protocol name ({@code smtp}, {@code smtps}); useful with port 0. */
    public int port(String protocol) {
        return listeners.stream().filter(l -> l.protocolName().equals(protocol)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no listener " + protocol)).port();
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    @Override
    public void close() {
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", l.protocolName(), e.toString());
            }
        }
        storage.close();
    }
}
