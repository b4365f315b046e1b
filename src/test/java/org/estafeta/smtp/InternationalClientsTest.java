package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * josé@españa.es with Python's own clients as the judge: smtplib sends with SMTPUTF8 (RFC 6531) and
 * with BDAT chunks (RFC 3030, by hand), imaplib reads both after ENABLE UTF8=ACCEPT (RFC 6855), poplib
 * after UTF8 (RFC 6856); each message comes back byte for byte.
 */
class InternationalClientsTest {

    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) server.closeAndDelete();
    }

    @Test
    void utf8AddressSendsReadsOverImapAndPop3() throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        server = TestServer.start(Map.of("server.domains", "servidor.es,localhost,xn--espaa-rta.es"));
        server.addAccount("josé@españa.es");
        Processes.Result r = Processes.run(List.of("python3", Processes.resource("intl_mail.py").toString(),
                String.valueOf(server.port("smtp")), String.valueOf(server.port("imap")), String.valueOf(server.port("pop3")),
                "josé@españa.es", TestServer.PASSWORD), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("BDAT 250 b'2.0.0 Ok: ", "BDAT LAST 250 b'2.0.0 Ok: queued as", "ENABLE OK",
                "UTF8 b'+OK UTF8 enabled'");
        assertThat(r.output().lines().filter(l -> l.equals("IMAP True True"))).as(r.output()).hasSize(2);
        assertThat(r.output().lines().filter(l -> l.equals("POP3 True"))).as(r.output()).hasSize(2);
        assertThat(server.inbox("josé@xn--espaa-rta.es")).hasSize(2);
    }
}
