package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * /metrics read by the Prometheus client library's parser (Python prometheus_client) before and after
 * real traffic from real clients (smtplib, imaplib): each counter moved by exactly what was done.
 */
class MetricsTest {

    /** A sample: its name and labels, as the parser gave them. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    @Test
    void countersMoveByWhatRealTrafficDid() throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        // A mail loop is refused after 5 Received fields; remote.example goes to a closed port: deferred.
        try (TestServer server = TestServer.start(Map.of("limits.hops", "5", "queue.transports", "remote.example=127.0.0.1:1",
                "queue.retry_schedule", "1h"))) {
            String url = "http://127.0.0.1:" + server.server().web().port() + "/metrics";
            List<Sample> before = scrape(url);
            int smtp = server.port("smtp");
            for (int i = 0; i < 3; i++) assertThat(send(smtp, TestServer.USER, "Subject: metrics " + i + "\r\n\r\nhello\r\n").exitCode()).isZero();
            String loop = "Received: from a\r\n".repeat(5) + "Subject: loop\r\n\r\nround and round\r\n";
            Processes.Result looped = send(smtp, TestServer.USER, loop);
            assertThat(looped.exitCode()).isNotZero();
            assertThat(looped.output()).contains("5.4.6");
            assertThat(send(smtp, "someone@remote.example", "Subject: away\r\n\r\nout\r\n").exitCode()).isZero();
            Processes.Result imap = Processes.run(List.of("python3", Processes.resource("imap_session.py").toString(),
                    String.valueOf(server.port("imap")), "plain", TestServer.USER, TestServer.PASSWORD),
                    "Subject: appended\r\n\r\nkept\r\n".getBytes(StandardCharsets.UTF_8));
            assertThat(imap.exitCode()).as(imap.output()).isZero();
            try (Socket open = new Socket("127.0.0.1", server.port("imap"))) {
                BufferedReader in = new BufferedReader(new InputStreamReader(open.getInputStream(), StandardCharsets.UTF_8));
                OutputStream out = open.getOutputStream();
                assertThat(in.readLine()).startsWith("* OK");
                for (int i = 1; i <= 2; i++) {
                    out.write(("a" + i + " LOGIN " + TestServer.USER + " wrong-password\r\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertThat(in.readLine()).startsWith("a" + i + " NO");
                }
                // The deferral is recorded by the queue runner, in the background.
                await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(url), "estafeta_deliveries_total", "outcome", "deferred") == 1);
                List<Sample> after = scrape(url);

                assertThat(delta(before, after, "estafeta_messages_accepted_total", "channel", "mx")).isEqualTo(4);
                assertThat(delta(before, after, "estafeta_messages_accepted_total", "channel", "imported")).as("the APPEND").isEqualTo(1);
                assertThat(delta(before, after, "estafeta_messages_refused_total", "reason", "5.4.6", "stage", "data")).isEqualTo(1);
                assertThat(delta(before, after, "estafeta_auth_failures_total", "reason", "invalid")).isEqualTo(2);
                assertThat(delta(before, after, "estafeta_smtp_data_seconds_count")).as("one per 250 after DATA").isEqualTo(4);
                assertThat(value(after, "estafeta_smtp_data_seconds_bucket", "le", "+Inf")).isEqualTo(4);
                assertThat(value(after, "estafeta_smtp_data_seconds_sum")).isPositive();
                for (String command : new String[] {"AUTHENTICATE", "SELECT", "APPEND", "STORE", "COPY", "LOGOUT"}) {
                    assertThat(delta(before, after, "estafeta_imap_command_seconds_count", "command", command)).as(command).isEqualTo(1);
                }
                assertThat(delta(before, after, "estafeta_imap_command_seconds_count", "command", "LOGIN")).isEqualTo(2);
                assertThat(value(after, "estafeta_deliveries_total", "outcome", "deferred")).isEqualTo(1);
                assertThat(value(after, "estafeta_queue_recipients")).isEqualTo(1);
                assertThat(value(after, "estafeta_queue_oldest_age_seconds")).isGreaterThanOrEqualTo(0).isLessThan(120);
                assertThat(value(after, "estafeta_sessions", "protocol", "imap")).as("the session still open").isEqualTo(1);
                assertThat(value(after, "estafeta_sessions", "protocol", "smtp")).isZero();
                // The size is kept for a while after each walk (DirectorySize), so it shows the new blobs a little later.
                await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(url), "estafeta_blob_store_size_bytes") > 0);
                assertThat(after).anyMatch(s -> s.name().equals("jvm_memory_used_bytes"));
                assertThat(after).anyMatch(s -> s.name().equals("process_cpu_usage"));
                assertThat(after).anyMatch(s -> s.name().equals("jvm_threads_live_threads"));
                assertThat(dashboardMetrics()).isNotEmpty().allSatisfy(name ->
                        assertThat(after).as("docs/grafana-dashboard.json uses " + name).anyMatch(s -> s.name().equals(name)));
            }
        }
    }

    @Test
    void recipientsRefusedAtRcptAreCountedByReason() throws Exception {
        assertThat(Processes.available("python3")).as("python3 is not installed (./run-tests installs it)").isTrue();
        // Nobody may relay, and a message takes one recipient at most.
        try (TestServer server = TestServer.start(Map.of("smtp.relay_networks", "", "limits.recipients", "1"))) {
            String url = "http://127.0.0.1:" + server.server().web().port() + "/metrics";
            int smtp = server.port("smtp");
            // The other user's mailbox gets a message, then a quota of one octet: it is full.
            assertThat(send(smtp, TestServer.OTHER_USER, "Subject: first\r\n\r\nfills it\r\n").exitCode()).isZero();
            server.server().storage().accounts().setQuota(TestServer.OTHER_USER, 1L);
            List<Sample> before = scrape(url);

            Processes.Result rcpts = Processes.run(List.of("python3", Processes.resource("smtp_rcpt.py").toString(), String.valueOf(smtp),
                    "sender@example.org", "nobody@servidor.es", "nadie@servidor.es", "someone@remote.example", TestServer.OTHER_USER,
                    "<not an address", TestServer.USER, "pepe2@servidor.es"), new byte[0]);
            assertThat(rcpts.exitCode()).as(rcpts.output()).isZero();
            assertThat(rcpts.output().lines().map(l -> l.split("\t")[0]).toList())
                    .containsExactly("550", "550", "554", "552", "501", "250", "452");
            List<Sample> after = scrape(url);

            String refused = "estafeta_messages_refused_total";
            assertThat(delta(before, after, refused, "reason", "5.1.1", "stage", "rcpt")).as("unknown users").isEqualTo(2);
            assertThat(delta(before, after, refused, "reason", "5.7.1", "stage", "rcpt")).as("relay denied").isEqualTo(1);
            assertThat(delta(before, after, refused, "reason", "5.2.2", "stage", "rcpt")).as("mailbox full").isEqualTo(1);
            assertThat(delta(before, after, refused, "reason", "4.5.3", "stage", "rcpt")).as("too many recipients").isEqualTo(1);
            // A syntax error is the client's mistake, not a refusal: the five above are all there is.
            assertThat(delta(before, after, refused, "stage", "rcpt")).isEqualTo(5);
            assertThat(delta(before, after, refused, "stage", "data")).isZero();
            assertThat(delta(before, after, "estafeta_messages_accepted_total")).isZero();
        }
    }

    @Test
    void aForbiddenAddressGets403AndAMissingOrWrongToken401() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (TestServer server = TestServer.start(Map.of("metrics.allow", ""))) {
            String url = "http://127.0.0.1:" + server.server().web().port() + "/metrics";
            assertThat(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
            assertThat(scrapeFails(url, "anything")).isEqualTo("HTTP 401");
        }
        try (TestServer server = TestServer.start(Map.of("metrics.allow", "", "metrics.token", "s3cret-token"))) {
            String url = "http://127.0.0.1:" + server.server().web().port() + "/metrics";
            HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(scrapeFails(url, "s3cret-tokeN")).isEqualTo("HTTP 401");
            assertThat(scrape(url, "s3cret-token")).anyMatch(s -> s.name().equals("estafeta_sessions"));
        }
        try (TestServer server = TestServer.start(Map.of())) {
            // The default: loopback may read without a token; a wrong token is still refused, not ignored.
            String url = "http://127.0.0.1:" + server.server().web().port() + "/metrics";
            assertThat(scrape(url)).isNotEmpty();
            assertThat(scrapeFails(url, "guess")).isEqualTo("HTTP 401");
        }
    }

    /** Every metric name the Grafana dashboard's queries use. */
    private static java.util.Set<String> dashboardMetrics() throws java.io.IOException {
        JsonNode dashboard = new ObjectMapper().readTree(java.nio.file.Path.of("docs/grafana-dashboard.json").toFile());
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("\\b(?:estafeta|jvm|process)_[a-z_]+");
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                var m = metric.matcher(target.get("expr").asText());
                while (m.find()) names.add(m.group());
            }
        }
        return names;
    }

    /** Debian's python3, where python3-prometheus-client puts the parser (a python3 first on PATH, as pyenv's, may lack it). */
    private static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private static Processes.Result send(int port, String to, String message) throws Exception {
        return Processes.run(List.of("python3", Processes.resource("smtp_send.py").toString(), String.valueOf(port), "plain",
                "sender@example.org", to), message.getBytes(StandardCharsets.UTF_8));
    }

    static List<Sample> scrape(String url) throws Exception {
        return scrape(url, null);
    }

    static List<Sample> scrape(String url, String token) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DEBIAN_PYTHON, Processes.resource("metrics_scrape.py").toString(), url));
        if (token != null) cmd.add(token);
        Processes.Result r = Processes.run(cmd, new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<Sample> samples = new ArrayList<>();
        for (JsonNode s : new ObjectMapper().readTree(r.output())) {
            Map<String, String> labels = new TreeMap<>();
            s.get(1).properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            samples.add(new Sample(s.get(0).asText(), labels, s.get(2).asDouble()));
        }
        return samples;
    }

    private static String scrapeFails(String url, String token) throws Exception {
        Processes.Result r = Processes.run(List.of(DEBIAN_PYTHON, Processes.resource("metrics_scrape.py").toString(), url, token), new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(2);
        return r.output().strip();
    }

    /** The sample of that name whose labels include the given pairs (0 when there is none yet: a counter not touched). */
    static double value(List<Sample> samples, String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) wanted.put(labels[i], labels[i + 1]);
        return samples.stream().filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(wanted.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    private static double delta(List<Sample> before, List<Sample> after, String name, String... labels) {
        return value(after, name, labels) - value(before, name, labels);
    }
}
