package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSocket;
import org.estafeta.testing.HaProxy;
import org.estafeta.testing.Logged;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A real HAProxy, configured with docs/cluster.md's haproxy.cfg as written (only its addresses moved
 * to loopback), in front of a real server that takes PROXY headers from 127.0.0.1 only. Clients
 * connect from other loopback addresses (127.0.0.2, 127.0.0.3) so that the server can only know them
 * from the header: it is passed, not guessed.
 */
class HaProxyTest {

    /** The load balancer connects to the server from here; the clients never do. */
    private static final String PROXY = "127.0.0.1";
    private static final String CLIENT = "127.0.0.2";
    private static final String OTHER_CLIENT = "127.0.0.3";

    private static TestServer server;
    private static HaProxy haProxy;
    private static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    /** The connections a test made on purpose without a header (ADDRESS:PORT): their warnings are expected. */
    private static final java.util.Set<String> withoutHeader = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        log.start();
        root().addAppender(log);
        // Only CLIENT may relay; the lenient networks hold nobody, so no address is trusted by being loopback.
        // Only CLIENT may read /metrics without a token: the web port, too, must know it from the header.
        server = TestServer.start(Map.of("net.proxy_from", PROXY + "/32", "smtp.relay_networks", CLIENT + "/32",
                "net.lenient_networks", "", "metrics.allow", CLIENT + "/32"));
        Map<Integer, Integer> backends = Map.of(25, server.port("smtp"), 587, server.port("submission"), 465, server.port("smtps"),
                143, server.port("imap"), 993, server.port("imaps"), 110, server.port("pop3"), 995, server.port("pop3s"),
                4190, server.port("managesieve"), 8443, server.server().web().tlsPort());
        haProxy = HaProxy.start(HaProxy.documentedConfig(), standard -> backends.get(standard));
    }

    @AfterAll
    static void stop() throws Exception {
        root().detachAppender(log);
        if (haProxy != null) haProxy.close();
        if (server != null) server.closeAndDelete();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static Socket connectFrom(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        return s;
    }

    private static List<String> logLines() {
        return Logged.events(log).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void smtpThroughHaProxySeesTheRealClientInTheGreetingReceivedHeaderAndLog() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.over(connectFrom(CLIENT, haProxy.port(25)))) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("HELO client.example")).contains("[" + CLIENT + "]");
            assertThat(smtp.send("someone@example.org", TestServer.USER, "Subject: via HAProxy\r\n\r\nhello\r\n")).startsWith("250");
        }
        List<byte[]> inbox = server.inbox(TestServer.USER);
        String received = new String(inbox.getLast(), StandardCharsets.UTF_8);
        assertThat(received.substring(0, received.indexOf("\r\n\r\n"))).contains("[" + CLIENT + "]").doesNotContain("[" + PROXY + "]");
        await().atMost(Duration.ofSeconds(10)).until(() -> logLines().stream().anyMatch(l -> l.startsWith("smtp " + CLIENT)));
    }

    @Test
    void relayNetworksAreJudgedByTheRealClient() throws Exception {
        try (SmtpDialog allowed = SmtpDialog.over(connectFrom(CLIENT, haProxy.port(25)));
             SmtpDialog refused = SmtpDialog.over(connectFrom(OTHER_CLIENT, haProxy.port(25)))) {
            allowed.reply();
            refused.reply();
            assertThat(allowed.command("HELO client.example")).contains("[" + CLIENT + "]");
            assertThat(refused.command("HELO other.example")).contains("[" + OTHER_CLIENT + "]");
            assertThat(allowed.command("MAIL FROM:<a@example.org>")).startsWith("250");
            assertThat(refused.command("MAIL FROM:<a@example.org>")).startsWith("250");
            assertThat(allowed.command("RCPT TO:<someone@elsewhere.example>")).startsWith("250");
            assertThat(refused.command("RCPT TO:<someone@elsewhere.example>")).startsWith("554 5.7.1");
        }
    }

    @Test
    void aPROXYHeaderStraightFromAnotherAddressIsABadCommand() throws Exception {
        try (SmtpDialog smtp = SmtpDialog.over(connectFrom(CLIENT, server.port("smtp")))) {
            assertThat(smtp.reply()).startsWith("220 ");
            assertThat(smtp.command("PROXY TCP4 192.0.2.7 127.0.0.1 40000 25")).startsWith("500 5.5.1");
            assertThat(smtp.command("HELO client.example")).contains("[" + CLIENT + "]");
            // Still CLIENT, so still allowed to relay: the header changed nothing.
            assertThat(smtp.command("MAIL FROM:<a@example.org>")).startsWith("250");
        }
    }

    @Test
    void imapsThroughHaProxyGetsTheHeaderBeforeTheTlsHandshake() throws Exception {
        Socket plain = connectFrom(CLIENT, haProxy.port(993));
        try (SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true)) {
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            var in = new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
            var out = tls.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
            out.write(("a1 LOGIN " + TestServer.USER + " " + TestServer.PASSWORD + "\r\na2 LOGOUT\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(in.readLine()).startsWith("a1 OK");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> logLines().stream().anyMatch(l -> l.startsWith("imaps " + CLIENT)));
    }

    @Test
    void httpsThroughHaProxySeesTheRealClient() throws Exception {
        assertThat(httpsGet(connectFrom(CLIENT, haProxy.port(443)), "/metrics")).startsWith("HTTP/1.1 200");
        assertThat(httpsGet(connectFrom(OTHER_CLIENT, haProxy.port(443)), "/metrics")).matches("HTTP/1.1 40[13].*");
    }

    @Test
    void theWebPortClosesAProxysConnectionWithoutAHeader() throws Exception {
        // From the load balancer's own address, straight to the web port: the header is required.
        Socket direct = connectFrom(PROXY, server.server().web().tlsPort());
        String source = PROXY + ":" + direct.getLocalPort();
        withoutHeader.add(source);
        assertThat(httpsGet(direct, "/metrics")).isNull();
        await().atMost(Duration.ofSeconds(10)).until(() -> logLines().stream().anyMatch(l -> l.contains("proxy /" + source + ": no PROXY header")));
    }

    /** The status line of a GET over TLS from {@code source}, or null when the connection is closed first. */
    private static String httpsGet(Socket plain, String path) throws IOException {
        try (SSLSocket tls = (SSLSocket) TrustAll.context().getSocketFactory().createSocket(plain, "localhost", plain.getPort(), true)) {
            tls.setSoTimeout(10_000);
            tls.startHandshake();
            tls.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return new BufferedReader(new InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        } catch (javax.net.ssl.SSLException | java.net.SocketException closed) {
            return null;
        }
    }

    @Test
    void healthChecksPassAndLogNoErrors() throws Exception {
        // Every server of every backend checked at least once, and found up (L4OK, L6OK or L7OK).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (Map<String, String> s : haProxy.servers(8404)) {
                assertThat(s.get("check_status")).as(s.get("pxname") + "/" + s.get("svname") + " " + haProxy.log()).matches("L[467]OK");
                assertThat(s.get("status")).isEqualTo("UP");
            }
        });
        assertThat(Logged.events(log)).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filteredOn(e -> withoutHeader.stream().noneMatch(e.getFormattedMessage()::contains)).isEmpty();
    }
}
