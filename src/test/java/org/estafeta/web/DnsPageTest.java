package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/** The web admin's DNS page: the same records as {@code estafeta dns}, checked against a real dnsmasq; admins only. */
class DnsPageTest {

    @Test
    void theAdminSeesEachRecordWithItsState() throws Exception {
        try (Dnsmasq dns = new Dnsmasq().mx("servidor.es", TestServer.HOSTNAME, 10).host(TestServer.HOSTNAME, "192.0.2.25")
                .txt("servidor.es", "v=spf1 a -all").start()) {
            TestServer server = TestServer.start(Map.of("dns.servers", dns.address()));
            try {
                server.server().admin().addUser("jefa@servidor.es", TestServer.PASSWORD, true);
                String base = "http://127.0.0.1:" + server.server().web().port();
                WebClient user = new WebClient(base);
                user.login(TestServer.USER, TestServer.PASSWORD);
                assertThat(user.get("/admin/dns/servidor.es").statusCode()).isEqualTo(403);
                WebClient admin = new WebClient(base);
                admin.login("jefa@servidor.es", TestServer.PASSWORD);
                assertThat(admin.get("/admin").body()).contains("href=\"/admin/dns/servidor.es\"");
                HttpResponse<String> page = admin.get("/admin/dns/servidor.es");
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.body()).contains("<tr class=\"dns-ok\"><td>ok</td><td><code>servidor.es. IN MX 10 mx.servidor.es.</code>",
                        "<tr class=\"dns-different\"><td>different</td><td><code>servidor.es. IN TXT \"v=spf1 mx -all\"</code>",
                        "<code>\"v=spf1 a -all\"</code>",
                        "<tr class=\"dns-missing\"><td>missing</td><td><code>_dmarc.servidor.es. IN TXT",
                        // SRV from the listeners as bound (port 0 in the test config)
                        "_imaps._tcp.servidor.es. IN SRV 0 1 " + server.port("imaps") + " mx.servidor.es.");
                assertThat(admin.get("/admin/dns/notours.example").statusCode()).isEqualTo(404);
            } finally {
                server.closeAndDelete();
            }
        }
    }
}
