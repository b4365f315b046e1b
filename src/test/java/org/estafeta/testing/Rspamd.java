package org.estafeta.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * A real rspamd (Debian package {@code rspamd}) with a minimal configuration in a temp dir: one
 * normal worker on a loopback port, no rules of the distribution (its core still knows GTUBE), no DNS,
 * and a tiny public-suffix list so that it starts in seconds instead of compiling the whole list.
 */
public final class Rspamd implements AutoCloseable {

    private Process process;
    private Path dir;
    private int port;

    public Rspamd start() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("rspamd");
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve("tld.dat"), "com\norg\nnet\nexample\nes\n");
        for (int attempt = 0; attempt < 3; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            String user = System.getProperty("user.name");
            Files.writeString(dir.resolve("rspamd.conf"), """
                    options {
                      pidfile = "%1$s/rspamd.pid";
                      dbdir = "%1$s/db";
                      filters = "";
                      url_tld = "%1$s/tld.dat";
                      dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }
                    }
                    logging { type = "console"; level = "warning"; }
                    actions { reject = 15; add_header = 6; greylist = 4; }
                    worker "normal" { bind_socket = "127.0.0.1:%2$d"; count = 1; }
                    """.formatted(dir, port));
            process = new ProcessBuilder("rspamd", "-f", "-u", user, "-g", user, "-c", dir.resolve("rspamd.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            if (answers()) return this;
            stopProcess();
        }
        throw new IOException("rspamd did not start: " + Files.readString(dir.resolve("log")));
    }

    private boolean answers() throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                var ping = http.send(HttpRequest.newBuilder(URI.create(url() + "/ping")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ping.statusCode() == 200) return true;
            } catch (IOException notYet) {
                // still loading its configuration
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** For {@code spam.rspamd_url}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private void stopProcess() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    @Override
    public void close() throws IOException {
        try {
            if (process != null) stopProcess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
