package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.estafeta.dns.Dns;
import org.estafeta.mailauth.DkimAlgorithm;
import org.estafeta.mailauth.DkimKey;
import org.estafeta.mailauth.DkimKeys;
import org.estafeta.mailauth.DkimResult;
import org.estafeta.mailauth.DkimVerifier;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * DKIM signing in the pipeline (issue 12): what a user sends from the webmail is signed with the
 * From domain's key, over the fields the server completed, and verifies; mail that merely arrives
 * (here from the relay networks, not logged in) is not signed in our name.
 */
class SubmissionSigningTest {

    @Test
    void webmailMailIsSignedAndArrivingMailIsNot() throws Exception {
        Path data = Files.createTempDirectory("estafeta-test");
        DkimKey key = new DkimKeys(data).generate(TestServer.DOMAIN, DkimAlgorithm.ED25519_SHA256, "web");
        TestServer server = TestServer.start(data, Map.of(), true);
        try (Dnsmasq dns = new Dnsmasq().txt(key.recordName(), key.recordText()).start()) {
            WebClient web = new WebClient("http://127.0.0.1:" + server.server().web().port());
            String token = web.login(TestServer.USER, TestServer.PASSWORD);
            var r = web.postMultipart("/compose", WebClient.form("_csrf", token, "to", TestServer.OTHER_USER, "cc", "", "bcc", "",
                    "subject", "firmado", "body", "Hola.", "do", "send"), Map.of());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
            String sent = server.inboxText(TestServer.OTHER_USER).getLast();
            assertThat(sent).contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=servidor.es; s=web;");
            var verifier = new DkimVerifier(new Dns(List.of(dns.address()), Duration.ofSeconds(2)), Clock.systemUTC(), 5);
            assertThat(verifier.verify(new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8))))
                    .extracting(DkimResult::status).containsExactly(DkimResult.Status.PASS);

            try (SmtpDialog smtp = SmtpDialog.connect(server.port("smtp"))) {
                assertThat(smtp.send(TestServer.USER, TestServer.OTHER_USER, "From: <" + TestServer.USER + ">\r\nSubject: sin firma\r\n\r\nx\r\n"))
                        .startsWith("250");
            }
            assertThat(server.inboxText(TestServer.OTHER_USER).getLast()).contains("Subject: sin firma").doesNotContain("DKIM-Signature");
        } finally {
            server.closeAndDelete();
        }
    }
}
