package org.estafeta.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.estafeta.app.MailServer;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.config.Config;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Account;
import org.estafeta.store.Credentials;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;

/**
 * A real server on ephemeral loopback ports with a temporary data dir, served domain
 * {@code servidor.es} and the labs' users. Tests speak to it through sockets and real clients.
 */
public final class TestServer implements AutoCloseable {

    public static final String DOMAIN = "servidor.es";
    public static final String HOSTNAME = "mx.servidor.es";
    public static final String USER = "usuario@servidor.es";
    public static final String PASSWORD = "contraseña";
    public static final String OTHER_USER = "pepe@servidor.es";

    private final Path dataDir;
    private final MailServer server;

    private TestServer(Path dataDir, MailServer server) {
        this.dataDir = dataDir;
        this.server = server;
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** Starts with the test defaults, then {@code overrides} (configuration keys as for --set). */
    public static TestServer start(Map<String, String> overrides) {
        try {
            return start(Files.createTempDirectory("estafeta-test"), overrides, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on an existing data dir (after a restart), creating the users only when {@code addUsers}. */
    public static TestServer start(Path dataDir, Map<String, String> overrides, boolean addUsers) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.hostname", HOSTNAME);
        settings.put("server.domains", DOMAIN + ",localhost");
        settings.put("ports.smtp", "0");
        settings.put("ports.submission", "0");
        settings.put("ports.odmr", "0");
        settings.put("ports.smtps", "0");
        settings.put("ports.pop3", "0");
        settings.put("ports.pop3s", "0");
        settings.put("ports.imap", "0");
        settings.put("ports.imaps", "0");
        settings.put("ports.managesieve", "0");
        settings.put("web.port", "0");
        settings.put("web.tls_port", "0");
        // Checking arrivals asks the DNS about the senders' domains; the tests that check turn it on with their own DNS.
        settings.put("mailauth.check", "false");
        settings.putAll(overrides);
        Config config = ConfigLoader.load(dataDir, null, settings, 0, ConfigLoader.Strictness.STRICT);
        try {
            MailServer server = MailServer.start(config);
            if (addUsers) {
                Credentials credentials = new PasswordHasher().credentials(PASSWORD);
                server.storage().accounts().addAccount(USER, credentials, false);
                server.storage().accounts().addAccount(OTHER_USER, credentials, false);
            }
            return new TestServer(dataDir, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One more account with the standard password. */
    public void addAccount(String address) {
        server.storage().accounts().addAccount(address, new PasswordHasher().credentials(PASSWORD), false);
    }

    public int port(String protocol) {
        return server.port(protocol);
    }

    public Path dataDir() {
        return dataDir;
    }

    public MailServer server() {
        return server;
    }

    /** The contents of every message in the account's INBOX, in UID order. */
    public List<byte[]> inbox(String address) {
        Account account = server.storage().accounts().account(address).orElseThrow();
        Mailbox inbox = server.storage().mailboxes().mailbox(account.id(), "INBOX").orElseThrow();
        List<byte[]> out = new ArrayList<>();
        for (MessageInfo m : server.storage().messages().list(inbox.id())) {
            try (InputStream in = server.storage().blobs().open(m.blob())) {
                out.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /** The INBOX rows of the account (ids, UIDs, sizes, flags), in UID order. */
    public List<MessageInfo> inboxMessages(String address) {
        Account account = server.storage().accounts().account(address).orElseThrow();
        Mailbox inbox = server.storage().mailboxes().mailbox(account.id(), "INBOX").orElseThrow();
        return server.storage().messages().list(inbox.id());
    }

    /**
     * Delivers a message to {@code recipient} the way mail arrives: through the SMTP listener, from
     * pepe@pepito.es. {@code content} is the message as sent (CRLF line ends; one is added at the end
     * if missing); it is stored below our Return-Path and Received lines.
     */
    public void deliver(String recipient, String content) {
        String data = content.endsWith("\r\n") ? content : content + "\r\n";
        try (SmtpDialog smtp = SmtpDialog.connect(port("smtp"))) {
            String reply = smtp.send("pepe@pepito.es", recipient, data);
            if (!reply.startsWith("250")) throw new IllegalStateException("SMTP delivery to " + recipient + " failed: " + reply);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<String> inboxText(String address) {
        return inbox(address).stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Closes the server and deletes its data dir. */
    public void closeAndDelete() {
        close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir; the OS cleans up eventually
        }
    }
}
