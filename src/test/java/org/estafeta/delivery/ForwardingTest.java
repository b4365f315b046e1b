package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.estafeta.store.Queue;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: an alias with a target in another domain forwards the message through the queue under an
 * SRS sender (so SPF at the next hop passes), a bounce to that SRS address goes back to the original
 * sender, and loops are refused.
 */
class ForwardingTest {

    private static final String MESSAGE = "From: pepe@pepito.es\r\nSubject: mix\r\n\r\nhola\r\n";

    private TestServer server;

    @BeforeEach
    void start() {
        // The queue keeps the forward deferred: no DNS answers for remote.test here.
        server = TestServer.start(Map.of("queue.retry_schedule", "1h", "dns.servers", "127.0.0.1:9"));
        server.server().storage().accounts().addAlias("mix@servidor.es", List.of(TestServer.USER, "someone@remote.test"));
    }

    @AfterEach
    void stop() {
        server.closeAndDelete();
    }

    @Test
    void remoteAliasTargetIsQueuedWithAnSrsSenderAndItsBounceFindsTheWayBack() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("pepe@pepito.es", "mix@servidor.es", MESSAGE)).startsWith("250 2.0.0");
        }
        assertThat(server.inbox(TestServer.USER)).hasSize(1);
        assertThat(server.inboxText(TestServer.USER).getFirst()).contains("\r\nDelivered-To: mix@servidor.es\r\n");
        Queue.Entry forward = single(server.server().storage().queue().list());
        assertThat(forward.recipient().address()).isEqualTo("someone@remote.test");
        assertThat(forward.sender()).matches("SRS0=[^=]{4}=[A-Z2-7]{2}=pepito\\.es=pepe@" + java.util.regex.Pattern.quote(TestServer.HOSTNAME));

        // The far end bounces to the SRS address: the bounce goes back to pepe, still with the null sender.
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("", forward.sender(), "Subject: bounce\r\n\r\nno\r\n")).startsWith("250 2.0.0");
            // A forged or altered SRS address is nobody here.
            String forged = forward.sender().replaceFirst("SRS0=[^=]{4}", "SRS0=AAAA");
            assertThat(smtp.command("MAIL FROM:<>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + forged + ">")).startsWith("550 5.1.1");
        }
        List<Queue.Entry> queued = server.server().storage().queue().list();
        assertThat(queued).anySatisfy(e -> {
            assertThat(e.recipient().address()).isEqualTo("pepe@pepito.es");
            assertThat(e.sender()).isEmpty();
        });
    }

    @Test
    void aMessageThatWasAlreadyForwardedByTheAliasIsALoop() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
            assertThat(smtp.send("pepe@pepito.es", "mix@servidor.es", "Delivered-To: mix@servidor.es\r\n" + MESSAGE))
                    .startsWith("554 5.4.6");
            String hops = "Received: from a by b; Mon, 30 Nov 2026 10:00:00 +0000\r\n".repeat(50);
            assertThat(smtp.send("pepe@pepito.es", TestServer.USER, hops + MESSAGE)).startsWith("554 5.4.6");
            assertThat(smtp.send("pepe@pepito.es", TestServer.USER, hops.substring(hops.indexOf("\r\n") + 2) + MESSAGE)).startsWith("250");
        }
        assertThat(server.server().storage().queue().list()).isEmpty();
    }

    private static Queue.Entry single(List<Queue.Entry> entries) {
        assertThat(entries).hasSize(1);
        return entries.getFirst();
    }
}
