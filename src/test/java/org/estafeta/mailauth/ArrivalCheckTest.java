package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.estafeta.store.Account;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MessageInfo;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The arrival check's effects that a transcript cannot see: what lands in Junk, forged
 * Authentication-Results fields gone while other servers' stay, and who is not checked. A real
 * dnsmasq serves the records.
 */
class ArrivalCheckTest {

    private static Dnsmasq dns;
    private TestServer server;

    @BeforeAll
    static void dns() throws Exception {
        dns = new Dnsmasq()
                .txt("banco.example", "v=spf1 ip4:192.0.2.1 -all").txt("_dmarc.banco.example", "v=DMARC1; p=quarantine")
                .txt("tienda.example", "v=spf1 ip4:192.0.2.1 -all")
                .txt("correcto.example", "v=spf1 ip4:127.0.0.1 -all")
                .start();
    }

    @AfterAll
    static void stopDns() throws Exception {
        dns.close();
    }

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    private void start() {
        server = TestServer.start(Map.of("dns.servers", dns.address(), "mailauth.check", "true", "smtp.relay_networks", ""));
    }

    private String send(int port, String from, String message) throws Exception {
        try (SmtpDialog smtp = SmtpDialog.connect(port)) {
            return smtp.send(from, TestServer.USER, message);
        }
    }

    @Test
    void dmarcQuarantineAndSpfFailWithoutDmarcGoToJunk() throws Exception {
        start();
        assertThat(send(server.port("smtp"), "alertas@banco.example", "From: <alertas@banco.example>\r\nSubject: q\r\n\r\nx\r\n")).startsWith("250");
        assertThat(send(server.port("smtp"), "ventas@tienda.example", "From: <ventas@tienda.example>\r\nSubject: s\r\n\r\nx\r\n")).startsWith("250");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
        List<String> junk = mailbox(TestServer.USER, "Junk");
        assertThat(junk).hasSize(2);
        assertThat(junk.get(0)).contains("\tdmarc=fail (p=quarantine) header.from=banco.example\r\n");
        assertThat(junk.get(1)).contains("\tspf=fail smtp.mailfrom=ventas@tienda.example;", "\tdmarc=none header.from=tienda.example\r\n");
    }

    /** RFC 8601 §5: only our own field may carry our name; another server's field is its own business. */
    @Test
    void forgedResultsInOurNameAreRemovedAndOthersKept() throws Exception {
        start();
        String message = "Authentication-Results: " + TestServer.HOSTNAME + "; dkim=pass header.d=banco.example\r\n"
                + "Authentication-Results: (comment) \"" + TestServer.HOSTNAME.toUpperCase() + "\"; dmarc=pass\r\n"
                + "Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=x@other.example\r\n"
                + "From: <pedidos@correcto.example>\r\nSubject: x\r\n\r\nbody\r\n";
        assertThat(send(server.port("smtp"), "pedidos@correcto.example", message)).startsWith("250");
        String stored = server.inboxText(TestServer.USER).getFirst();
        assertThat(stored.split("Authentication-Results: " + TestServer.HOSTNAME + ";", -1)).hasSize(2);
        assertThat(stored).doesNotContain("dkim=pass header.d=banco.example", "\"" + TestServer.HOSTNAME.toUpperCase() + "\"")
                .contains("Authentication-Results: mx.other.example; spf=pass smtp.mailfrom=x@other.example\r\nFrom: <pedidos@correcto.example>\r\n")
                .contains("\tspf=pass smtp.mailfrom=pedidos@correcto.example;");
    }

    /**
     * A forged field below a header too long to read whole would escape the removal above: such a
     * message is refused (limits.header_size) rather than stored with the forgery.
     */
    @Test
    void aHeaderSectionOverTheLimitIsRefusedNotStoredWithAForgery() throws Exception {
        start();
        StringBuilder filler = new StringBuilder();
        for (int i = 0; filler.length() < 300 * 1024; i++) filler.append("X-Filler-").append(i).append(": ").append("f".repeat(90)).append("\r\n");
        String message = filler + "Authentication-Results: " + TestServer.HOSTNAME + "; dmarc=pass header.from=banco.example\r\n"
                + "From: <pedidos@correcto.example>\r\nSubject: big\r\n\r\nbody\r\n";
        assertThat(send(server.port("smtp"), "pedidos@correcto.example", message))
                .startsWith("552 5.3.4 Error: header section longer than 262144 octets (limits.header_size)");
        assertThat(server.inbox(TestServer.USER)).isEmpty();
        // Under the limit (raised here) the same message goes in, with the forged field removed.
        server.closeAndDelete();
        server = TestServer.start(Map.of("dns.servers", dns.address(), "mailauth.check", "true", "smtp.relay_networks", "",
                "limits.header_size", "1048576"));
        assertThat(send(server.port("smtp"), "pedidos@correcto.example", message)).startsWith("250");
        assertThat(server.inboxText(TestServer.USER).getFirst()).doesNotContain("dmarc=pass header.from=banco.example").contains("X-Filler-2000: ");
    }

    /** A logged-in user's message is ours: not checked, even when its domain's DMARC would have failed it. */
    @Test
    void authenticatedUsersAreNotChecked() throws Exception {
        start();
        try (SmtpDialog smtp = SmtpDialog.connect(server.port("submission"))) {
            String plain = Base64.getEncoder().encodeToString(("\0" + TestServer.USER + "\0" + TestServer.PASSWORD).getBytes(StandardCharsets.UTF_8));
            assertThat(smtp.command("AUTH PLAIN " + plain)).startsWith("235");
            assertThat(smtp.send(TestServer.USER, TestServer.USER, "From: <" + TestServer.USER + ">\r\nSubject: self\r\n\r\nx\r\n")).startsWith("250");
        }
        assertThat(server.inboxText(TestServer.USER)).singleElement().satisfies(m -> assertThat(m).doesNotContain("Authentication-Results"));
    }

    @Test
    void checkingCanBeTurnedOff() throws Exception {
        server = TestServer.start(Map.of("dns.servers", dns.address(), "mailauth.check", "false", "smtp.relay_networks", ""));
        assertThat(send(server.port("smtp"), "alertas@banco.example", "From: <alertas@banco.example>\r\nSubject: q\r\n\r\nx\r\n")).startsWith("250");
        assertThat(server.inboxText(TestServer.USER)).singleElement().satisfies(m -> assertThat(m).doesNotContain("Authentication-Results"));
    }

    private List<String> mailbox(String address, String name) throws Exception {
        Account account = server.server().storage().accounts().account(address).orElseThrow();
        Mailbox box = server.server().storage().mailboxes().mailbox(account.id(), name).orElseThrow();
        List<String> out = new ArrayList<>();
        for (MessageInfo m : server.server().storage().messages().list(box.id())) {
            try (InputStream in = server.server().storage().blobs().open(m.blob())) {
                out.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
