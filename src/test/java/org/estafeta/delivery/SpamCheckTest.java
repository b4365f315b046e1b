package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.estafeta.testing.Rspamd;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** spam.rspamd_url against a real rspamd: GTUBE refused, clean mail stamped, a junk score to Junk, rspamd down deferred. */
class SpamCheckTest {

    /** The Generic Test for Unsolicited Bulk Email: every spam filter refuses it. */
    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private static Rspamd rspamd;
    private TestServer server;

    @BeforeAll
    static void startRspamd() throws Exception {
        rspamd = new Rspamd().start();
    }

    @AfterAll
    static void stopRspamd() throws Exception {
        rspamd.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    private String send(String body) throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            String reply = smtp.send("pepe@pepito.es", TestServer.USER, "From: <pepe@pepito.es>\r\nSubject: hola\r\n\r\n" + body + "\r\n");
            assertThat(smtp.command("NOOP")).as("the session goes on").startsWith("250");
            return reply;
        }
    }

    @Test
    void gtubeIsRefusedAndCleanMailIsStamped() throws Exception {
        server = TestServer.start(Map.of("spam.rspamd_url", rspamd.url(), "smtp.relay_networks", ""));
        assertThat(send(GTUBE)).isEqualTo("550 5.7.1 Error: message refused as spam");
        assertThat(send("Hola, ¿qué tal?")).startsWith("250");
        assertThat(server.inboxText(TestServer.USER)).singleElement().satisfies(m ->
                assertThat(m).contains("X-Spam-Score: 0.00\r\nX-Spam-Symbols: ").doesNotContain("X-Spam-Flag"));
    }

    @Test
    void atTheJunkScoreMailGoesToJunk() throws Exception {
        server = TestServer.start(Map.of("spam.rspamd_url", rspamd.url(), "smtp.relay_networks", "", "spam.junk_score", "0"));
        assertThat(send("anything")).startsWith("250");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
        var account = server.server().storage().accounts().account(TestServer.USER).orElseThrow();
        var junk = server.server().storage().mailboxes().mailbox(account.id(), "Junk").orElseThrow();
        assertThat(server.server().storage().messages().list(junk.id())).hasSize(1);
    }

    @Test
    void whenRspamdCannotBeAskedMailIsDeferred() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        server = TestServer.start(Map.of("spam.rspamd_url", "http://127.0.0.1:" + closed, "smtp.relay_networks", ""));
        assertThat(send(GTUBE)).isEqualTo("451 4.7.1 Error: the message cannot be scanned now, try again later");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
    }
}
