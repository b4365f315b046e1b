package org.estafeta.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.store.Accounts;
import org.estafeta.testing.ScramClient;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AUTH SCRAM-SHA-256 over POP3 (RFC 5034 with RFC 7677), which needs computed messages: the server
 * signature goes out as a last "+ " challenge answered by an empty line. SCRAM is allowed before TLS
 * even for untrusted clients, because no password crosses the wire.
 */
class Pop3AuthTest {

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final String PASSWORD = "secreto-123";

    private TestServer server;

    @BeforeEach
    void start() {
        // Nobody lenient: plaintext mechanisms need TLS, SCRAM does not.
        server = TestServer.start(Map.of("net.lenient_networks", ""));
        server.server().storage().accounts().addAccount("scram@servidor.es", new PasswordHasher().credentials(PASSWORD), false);
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    /** Runs AUTH SCRAM-SHA-256 and returns the final reply line. */
    private static String scram(Pop3Client c, String user, String password, boolean initialResponse) throws Exception {
        ScramClient client = new ScramClient(user, password);
        String reply;
        if (initialResponse) {
            reply = c.command("AUTH SCRAM-SHA-256 " + B64.encodeToString(client.clientFirst()));
        } else {
            assertThat(c.command("AUTH SCRAM-SHA-256")).isEqualTo("+ ");
            reply = c.command(B64.encodeToString(client.clientFirst()));
        }
        assertThat(reply).startsWith("+ ");
        reply = c.command(B64.encodeToString(client.clientFinal(B64D.decode(reply.substring(2)))));
        if (!reply.startsWith("+ ")) return reply;
        assertThat(client.verifyServerFinal(B64D.decode(reply.substring(2)))).as("server signature").isTrue();
        return c.command("");
    }

    @Test
    void scramWorksWithoutTlsWithAndWithoutInitialResponse() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "scram@servidor.es", PASSWORD, true)).startsWith("+OK Mailbox locked and ready");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "scram", PASSWORD, false)).startsWith("+OK Mailbox locked and ready");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
    }

    @Test
    void scramWithAWrongPasswordGetsAuth() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "scram@servidor.es", "mal", true)).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(scram(c, "nadie@servidor.es", PASSWORD, true)).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(scram(c, "scram@servidor.es", PASSWORD, true)).startsWith("+OK");
        }
    }

    @Test
    void scramCanBeCancelledAtTheLastStep() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            ScramClient client = new ScramClient("scram", PASSWORD);
            String first = c.command("AUTH SCRAM-SHA-256 " + B64.encodeToString(client.clientFirst()));
            c.command(B64.encodeToString(client.clientFinal(B64D.decode(first.substring(2)))));
            assertThat(c.command("*")).isEqualTo("-ERR Authentication cancelled");
            assertThat(c.command("STAT")).startsWith("-ERR Not logged in yet");
        }
    }

    /**
     * Accounts whose password was set with only a hash (before SCRAM keys existed) log in with
     * USER/PASS but not SCRAM, until the password is set again through credentials; setting a bare
     * hash again drops the keys, which belonged to the old password.
     */
    @Test
    void scramNeedsKeysMadeWithThePassword() throws Exception {
        Accounts accounts = server.server().storage().accounts();
        PasswordHasher hasher = new PasswordHasher();
        accounts.addAccount("viejo@servidor.es", hasher.hash(PASSWORD), false);
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "viejo", PASSWORD, true)).isEqualTo("-ERR [AUTH] Authentication failed");
            c.startTls();
            c.login("viejo", PASSWORD);
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        accounts.setCredentials("viejo@servidor.es", hasher.credentials(PASSWORD));
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "viejo", PASSWORD, true)).startsWith("+OK");
            assertThat(c.command("QUIT")).startsWith("+OK");
        }
        accounts.setPassword("viejo@servidor.es", hasher.hash("otra"));
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "viejo", PASSWORD, true)).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(scram(c, "viejo", "otra", true)).isEqualTo("-ERR [AUTH] Authentication failed");
        }
    }

    @Test
    void aDisabledAccountCannotLogIn() throws Exception {
        server.server().storage().accounts().setDisabled("scram@servidor.es", true);
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            assertThat(scram(c, "scram", PASSWORD, true)).isEqualTo("-ERR [AUTH] Authentication failed");
            c.startTls();
            assertThat(c.command("USER scram")).startsWith("+OK");
            assertThat(c.command("PASS " + PASSWORD)).isEqualTo("-ERR [AUTH] Authentication failed");
        }
        server.server().storage().accounts().setDisabled("scram@servidor.es", false);
        try (Pop3Client c = Pop3Client.connect(server.port("pop3s"), true)) {
            c.login("scram", PASSWORD);
        }
    }

    @Test
    void plainOverStlsWithAnInitialResponse() throws Exception {
        try (Pop3Client c = Pop3Client.connect(server.port("pop3"), false)) {
            String ir = B64.encodeToString(("\0scram@servidor.es\0" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(c.command("AUTH PLAIN " + ir)).startsWith("-ERR [AUTH] Plaintext authentication disallowed");
            c.startTls();
            assertThat(c.command("AUTH PLAIN " + ir)).startsWith("+OK Mailbox locked and ready");
        }
    }
}
