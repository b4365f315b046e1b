package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's proof end to end: a user of Estafeta A submits a message; A signs it with both of its
 * domain's keys (a rotation in progress: an Ed25519 and an RSA selector) and relays it through the MX
 * record to Estafeta B, which checks it on arrival and reports {@code dkim=pass} and {@code dmarc=pass}
 * in its Authentication-Results. A real dnsmasq serves the MX, SPF, DKIM and DMARC records to both.
 */
class SignedRelayTest {

    private static final String REMOTE_USER = "ana@destino.es";

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            if (c instanceof TestServer s) s.closeAndDelete();
            else c.close();
        }
    }

    @Test
    void relayedMailIsSignedAndPassesDkimAndDmarcAtTheOtherServer() throws Exception {
        Path aData = Files.createTempDirectory("estafeta-a");
        DkimKeys keys = new DkimKeys(aData);
        DkimKey current = keys.generate("servidor.es", DkimAlgorithm.ED25519_SHA256, "ed2026");
        DkimKey next = keys.generate("servidor.es", DkimAlgorithm.RSA_SHA256, "rsa2027");
        Dnsmasq dns = new Dnsmasq()
                .mx("destino.es", "mx.destino.es", 10).host("mx.destino.es", "127.0.0.1")
                .txt("servidor.es", "v=spf1 ip4:127.0.0.1 -all")
                // p=reject with strict alignment: only a signature by servidor.es itself lets the message in.
                .txt("_dmarc.servidor.es", "v=DMARC1; p=reject; adkim=s; aspf=s");
        publish(dns, current);
        publish(dns, next);
        open.add(dns.start());

        TestServer b = TestServer.start(Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,servidor.es",
                "dns.servers", dns.address(), "mailauth.check", "true", "smtp.relay_networks", ""));
        open.add(b);
        b.server().storage().accounts().addAccount(REMOTE_USER, new PasswordHasher().hash("x"), false);
        Map<String, String> aSettings = new HashMap<>(Map.of("dns.servers", dns.address(), "queue.remote_port", String.valueOf(b.port("smtp")),
                "queue.retry_schedule", "1s", "queue.poll_interval", "1s"));
        TestServer a = TestServer.start(aData, aSettings, true);
        open.add(a);

        try (SmtpDialog smtp = SmtpDialog.connect(a.port("submission"))) {
            String plain = Base64.getEncoder().encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("235");
            assertThat(smtp.send(TestServer.USER, REMOTE_USER, "From: Usuario <" + TestServer.USER + ">\r\nTo: <" + REMOTE_USER
                    + ">\r\nSubject: firmado\r\n\r\nHola, Ana.\r\n")).startsWith("250");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> b.inbox(REMOTE_USER).size() == 1);
        String arrived = b.inboxText(REMOTE_USER).getFirst();
        String results = arrived.substring(arrived.indexOf("Authentication-Results: mx.destino.es;"), arrived.indexOf("Received:"));
        assertThat(results).contains("spf=pass smtp.mailfrom=" + TestServer.USER,
                "dkim=pass header.d=servidor.es header.s=ed2026 header.a=ed25519-sha256",
                "dkim=pass header.d=servidor.es header.s=rsa2027 header.a=rsa-sha256",
                "dmarc=pass (p=reject) header.from=servidor.es");
        // The Date and Message-ID that A completed on submission are under the signature (h=).
        assertThat(arrived).contains("h=from:from:subject:subject:date:date:to:to:message-id;");
    }

    @Test
    void anUnsignedCopyOfTheSameMessageIsRefusedByDmarc() throws Exception {
        Dnsmasq dns = new Dnsmasq().txt("servidor.es", "v=spf1 ip4:192.0.2.1 -all").txt("_dmarc.servidor.es", "v=DMARC1; p=reject");
        open.add(dns.start());
        TestServer b = TestServer.start(Map.of("server.hostname", "mx.destino.es", "server.domains", "destino.es,servidor.es",
                "dns.servers", dns.address(), "mailauth.check", "true", "smtp.relay_networks", ""));
        open.add(b);
        b.server().storage().accounts().addAccount(REMOTE_USER, new PasswordHasher().hash("x"), false);
        try (SmtpDialog smtp = SmtpDialog.connect(b.port("smtp"))) {
            assertThat(smtp.send(TestServer.USER, REMOTE_USER, "From: <" + TestServer.USER + ">\r\nSubject: falso\r\n\r\nHola.\r\n"))
                    .isEqualTo("550 5.7.1 Error: rejected by the DMARC policy of servidor.es");
        }
    }

    private static void publish(Dnsmasq dns, DkimKey key) {
        String text = key.recordText();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) parts.add(text.substring(i, Math.min(text.length(), i + 255)));
        dns.txt(key.recordName(), parts.toArray(String[]::new));
    }
}
