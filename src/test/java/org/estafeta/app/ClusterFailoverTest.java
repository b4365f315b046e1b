package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.estafeta.testing.FakeSmtpServer;
import org.estafeta.testing.HaProxy;
import org.estafeta.testing.ImapDialog;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.ServerProcess;
import org.estafeta.testing.SmtpDialog;
import org.estafeta.testing.TestDns;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes, each its own JVM with its own data dir, on one PostgreSQL behind HAProxy (the
 * docs/cluster.md set-up: send-proxy-v2, SMTP health checks, {@code option redispatch}). SMTP clients
 * keep sending through HAProxy while one node is killed with SIGKILL. Then: every message that got a
 * 250 is in the store once; the remote mail the dead node had claimed (it was waiting for the remote
 * MX's greeting) is delivered by the others once its lease runs out, and the mail the survivors were
 * delivering is not taken from them although they waited for longer than a lease; an IDLE on one
 * survivor hears of mail that arrived through the other.
 */
class ClusterFailoverTest {

    private static final String REMOTE = "ana@destino.es";
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final int CLIENTS = 4;

    /** The data dirs of the node processes, for {@link #theNodesDataDirsAreDeleted}. */
    private static final List<Path> nodeDirs = new CopyOnWriteArrayList<>();

    /**
     * The node processes write their data dirs themselves, so no TestServer deletes them: they live in
     * JUnit's temp dir, deleted after the test (which fails if that cannot be done), not left in /tmp.
     */
    @AfterAll
    static void theNodesDataDirsAreDeleted() {
        assertThat(nodeDirs).noneMatch(Files::exists);
    }

    @Test
    void killingOneNodeLosesNothingAndSendsNothingTwice(@TempDir Path tmp) throws Exception {
        try (PostgreSql pg = PostgreSql.start(); FakeSmtpServer remoteMx = new FakeSmtpServer(FakeSmtpServer.Behaviour.ACCEPT_ALL);
             TestDns dns = new TestDns().add("destino.es. 60 IN MX 10 mx.destino.es.").add("mx.destino.es. 60 IN A 127.0.0.1")) {
            String db = pg.createDatabase();
            Map<String, String> settings = nodeSettings(pg, db, dns, remoteMx.port());
            TestServer.start(Files.createDirectory(tmp.resolve("init")), settings, true).closeAndDelete();
            // Every delivery is caught waiting for the remote MX's greeting, on whichever node claimed it.
            remoteMx.holdGreetings();

            List<Path> dataDirs = new ArrayList<>();
            for (int i = 1; i <= 3; i++) dataDirs.add(Files.createDirectory(tmp.resolve("node" + i)));
            nodeDirs.addAll(dataDirs);
            List<ServerProcess> nodes = startAll(dataDirs, settings);
            try (HaProxy haProxy = HaProxy.start(haProxyConfig(), (server, port) -> nodes.get(server.charAt(4) - '1').smtpPort())) {
                int front = haProxy.port(25);
                Sent sent = new Sent();

                load(front, sent, 6, new AtomicBoolean(true));
                assertThat(sent.remote).isNotEmpty();
                await().atMost(Duration.ofSeconds(20)).until(() -> count(pg, db, "queue_recipients WHERE lease_owner IS NOT NULL") == sent.remote.size());
                Instant claimed = Instant.now();
                // The node holding most claims dies: they are what the others must take over.
                String victimNode = pg.psql(db, "SELECT split_part(lease_owner, '/', 1) FROM queue_recipients WHERE lease_owner IS NOT NULL"
                        + " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").strip();
                int victim = nodeIndex(dataDirs, victimNode);

                AtomicBoolean going = new AtomicBoolean(true);
                int beforeStream = sent.all().size();
                var stream = Thread.ofVirtual().start(() -> load(front, sent, Integer.MAX_VALUE, going));
                await().atMost(Duration.ofSeconds(10)).until(() -> sent.all().size() >= beforeStream + 2 * CLIENTS);
                nodes.get(victim).kill9();
                int atKill = sent.all().size();
                await().atMost(Duration.ofSeconds(30)).until(() -> sent.all().size() >= atKill + 2 * CLIENTS);
                going.set(false);
                stream.join();

                // Well past a lease: without renewal the survivors' own claims would have run out and been taken twice.
                Duration untilRelease = Duration.between(Instant.now(), claimed.plus(LEASE.multipliedBy(5).dividedBy(2)));
                if (!untilRelease.isNegative()) Thread.sleep(untilRelease.toMillis());
                remoteMx.releaseGreetings();
                await().atMost(Duration.ofSeconds(30)).until(() -> count(pg, db, "queue_messages") == 0);

                assertThat(remoteMx.messageIds).containsAll(sent.remote).doesNotHaveDuplicates();
                List<Integer> survivors = List.of(0, 1, 2).stream().filter(i -> i != victim).toList();
                ServerProcess one = nodes.get(survivors.get(0));
                ServerProcess other = nodes.get(survivors.get(1));
                try (ImapDialog imap = imapOn(one)) {
                    String exists = imap.command("SELECT INBOX").stream().filter(l -> l.endsWith(" EXISTS")).findFirst().orElseThrow();
                    List<String> ids = imap.command("FETCH 1:* BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]").stream()
                            .filter(l -> l.regionMatches(true, 0, "Message-ID:", 0, 11)).map(l -> l.substring(11).strip()).toList();
                    Map<String, Long> times = ids.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                    assertThat(sent.local).allSatisfy(id -> assertThat(times.get(id)).as(id).isEqualTo(1L));
                    assertThat(ids).doesNotHaveDuplicates().hasSize(Integer.parseInt(exists.split(" ")[1]));

                    imap.send("IDLE");
                    assertThat(imap.in().readLine()).startsWith("+ ");
                    try (SmtpDialog smtp = SmtpDialog.over(fromOtherAddress(other.smtpPort()))) {
                        smtp.reply();
                        smtp.command("EHLO test.example");
                        assertThat(smtp.send("pepe@pepito.es", TestServer.USER, message("<idle@cluster.test>"))).startsWith("250");
                    }
                    imap.socket().setSoTimeout(20_000);
                    int before = Integer.parseInt(exists.split(" ")[1]);
                    assertThat(imap.in().readLine()).isEqualTo("* " + (before + 1) + " EXISTS");
                    imap.sendRaw("DONE");
                }
            } finally {
                for (ServerProcess node : nodes) node.kill9();
            }
        }
    }

    /** What the clients were told 250 for, by Message-ID. */
    private static final class Sent {
        final Queue<String> local = new ConcurrentLinkedQueue<>();
        final Queue<String> remote = new ConcurrentLinkedQueue<>();

        List<String> all() {
            List<String> all = new ArrayList<>(local);
            all.addAll(remote);
            return all;
        }
    }

    /**
     * {@link #CLIENTS} threads, each sending up to {@code perClient} messages through HAProxy, every
     * other one to the remote domain; a connection that breaks (its node died) is made again and the
     * message it was sending counts as not sent (a retry gets a new Message-ID: at least once, never
     * assumed exactly once, for mail without a 250).
     */
    private static void load(int port, Sent sent, int perClient, AtomicBoolean going) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            long run = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    SmtpDialog smtp = null;
                    for (int i = 0; i < perClient && going.get(); i++) {
                        String id = "<" + run + "." + client + "." + i + "@cluster.test>";
                        boolean remote = i % 2 == 0;
                        try {
                            if (smtp == null) smtp = SmtpDialog.connect(port);
                            if (smtp.send("pepe@pepito.es", remote ? REMOTE : TestServer.USER, message(id)).startsWith("250")) {
                                (remote ? sent.remote : sent.local).add(id);
                            }
                        } catch (IOException broken) {
                            smtp = null;
                        }
                    }
                    if (smtp != null) smtp.close();
                    return null;
                }));
            }
            for (Future<?> f : clients) f.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String message(String messageId) {
        return "Message-ID: " + messageId + "\r\nSubject: cluster\r\n\r\nHola.\r\n";
    }

    private static Map<String, String> nodeSettings(PostgreSql pg, String db, TestDns dns, int remotePort) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("store.url", pg.url(db));
        s.put("store.user", PostgreSql.USER);
        s.put("store.password", PostgreSql.PASSWORD);
        s.put("server.domains", TestServer.DOMAIN + ",localhost");
        s.put("mailauth.check", "false");
        s.put("net.proxy_from", "127.0.0.1/32");
        s.put("dns.servers", dns.address());
        s.put("queue.remote_port", String.valueOf(remotePort));
        s.put("queue.lease", LEASE.toSeconds() + "s");
        s.put("queue.retry_schedule", "1s");
        s.put("queue.poll_interval", "1s");
        s.put("ports.imap", "0");
        return s;
    }

    private static List<ServerProcess> startAll(List<Path> dataDirs, Map<String, String> settings) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ServerProcess>> starting = dataDirs.stream().map(d -> pool.submit(() -> ServerProcess.start(d, settings))).toList();
            List<ServerProcess> nodes = new ArrayList<>();
            for (Future<ServerProcess> f : starting) nodes.add(f.get());
            return nodes;
        }
    }

    private static int nodeIndex(List<Path> dataDirs, String nodeId) throws IOException {
        for (int i = 0; i < dataDirs.size(); i++) {
            if (Files.readString(dataDirs.get(i).resolve(NodeId.FILE)).strip().equals(nodeId)) return i;
        }
        throw new AssertionError("no node has the id " + nodeId);
    }

    private static long count(PostgreSql pg, String db, String from) throws Exception {
        return Long.parseLong(pg.psql(db, "SELECT count(*) FROM " + from).strip());
    }

    /** The nodes take PROXY headers from 127.0.0.1 (HAProxy) only and require them there: a direct client comes from elsewhere. */
    private static Socket fromOtherAddress(int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.2", 0));
        s.connect(new InetSocketAddress("127.0.0.1", port));
        return s;
    }

    private static ImapDialog imapOn(ServerProcess node) throws IOException {
        return ImapDialog.login(fromOtherAddress(node.port("imap")), TestServer.USER, TestServer.PASSWORD);
    }

    /**
     * docs/cluster.md's haproxy.cfg up to its first frontend (global and defaults, with
     * {@code option redispatch}: a connection that found a dead node goes to another one before the
     * checks have noticed), then its SMTP frontend and backend for three nodes, with quicker checks
     * (a dead node is out after two failed checks a second apart).
     */
    private static String haProxyConfig() throws IOException {
        String documented = HaProxy.documentedConfig();
        return documented.substring(0, documented.indexOf("# SMTP (MX)")) + """
                frontend smtp
                    bind :25
                    default_backend smtp
                backend smtp
                    option smtpchk EHLO haproxy.check
                    default-server inter 1s fall 2 rise 1
                    server node1 10.0.0.11:25 check send-proxy-v2
                    server node2 10.0.0.12:25 check send-proxy-v2
                    server node3 10.0.0.13:25 check send-proxy-v2
                """;
    }
}
