package org.estafeta.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HAProxy (Debian package {@code haproxy}) in the foreground, from a configuration in a temp dir,
 * listening on loopback. {@link #start} takes a whole haproxy.cfg (the one docs/cluster.md gives) and
 * changes only addresses: each {@code bind :PORT} or {@code bind ADDR:PORT} becomes a free loopback
 * port (ask {@link #port}), each {@code server NAME HOST:PORT} points at the loopback port that
 * {@code backendPort} gives for PORT.
 */
public final class HaProxy implements AutoCloseable {

    private static final Pattern BIND = Pattern.compile("(?m)^(\\s*bind\\s+)\\S*:(\\d+)");
    private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*server\\s+(\\S+)\\s+)\\S+:(\\d+)");

    private final Path dir;
    private final Process process;
    /** The configuration's port of each frontend bind -> the loopback port it got. */
    private final Map<Integer, Integer> ports;

    private HaProxy(Path dir, Process process, Map<Integer, Integer> ports) {
        this.dir = dir;
        this.process = process;
        this.ports = ports;
    }

    public static HaProxy start(String config, IntUnaryOperator backendPort) throws IOException, InterruptedException {
        return start(config, (server, port) -> backendPort.applyAsInt(port));
    }

    /** Where one {@code server} line points: the loopback port for that server (by name) and configured port. */
    public interface ServerPorts {
        int port(String server, int configured);
    }

    /** As {@link #start(String, IntUnaryOperator)}, each server line to the port its name and configured port give (several nodes). */
    public static HaProxy start(String config, ServerPorts backendPort) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("haproxy");
        Map<Integer, Integer> ports = new HashMap<>();
        StringBuilder out = new StringBuilder();
        Matcher bind = BIND.matcher(config);
        while (bind.find()) {
            int port = freePort();
            ports.put(Integer.parseInt(bind.group(2)), port);
            bind.appendReplacement(out, Matcher.quoteReplacement(bind.group(1) + "127.0.0.1:" + port));
        }
        bind.appendTail(out);
        Matcher server = SERVER.matcher(out.toString());
        StringBuilder rewritten = new StringBuilder();
        while (server.find()) {
            server.appendReplacement(rewritten,
                    Matcher.quoteReplacement(server.group(1) + "127.0.0.1:" + backendPort.port(server.group(2), Integer.parseInt(server.group(3)))));
        }
        server.appendTail(rewritten);
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, rewritten.toString());
        Process check = new ProcessBuilder("haproxy", "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String checked = new String(check.getInputStream().readAllBytes());
        if (check.waitFor() != 0) throw new IllegalStateException("haproxy refuses the configuration: " + checked);
        Process process = new ProcessBuilder("haproxy", "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        HaProxy haProxy = new HaProxy(dir, process, ports);
        haProxy.awaitListening();
        return haProxy;
    }

    /** The haproxy.cfg block of docs/cluster.md, as the operator copies it. */
    public static String documentedConfig() throws IOException {
        String doc = Files.readString(Path.of("docs/cluster.md"));
        int begin = doc.indexOf("```haproxy\n", doc.indexOf("<!-- haproxy.cfg: begin"));
        int end = doc.indexOf("```\n<!-- haproxy.cfg: end", begin);
        return doc.substring(begin + "```haproxy\n".length(), end);
    }

    /** A free loopback port now; HAProxy cannot bind port 0 and tell which it got. */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void awaitListening() throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (int port : ports.values()) {
            while (true) {
                if (!process.isAlive()) throw new IllegalStateException("haproxy ended: " + log());
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("haproxy does not listen on " + port + ": " + log());
                    Thread.sleep(50);
                }
            }
        }
    }

    /** The loopback port HAProxy listens on for the configuration's {@code bind :configured}. */
    public int port(int configured) {
        Integer port = ports.get(configured);
        if (port == null) throw new IllegalArgumentException("no bind on port " + configured);
        return port;
    }

    /** What HAProxy logged (its configuration says {@code log stdout}). */
    public String log() throws IOException {
        return Files.readString(dir.resolve("log"));
    }

    /** Every server line of the statistics page's CSV ({@code statsBind}: the configured port of its frontend), by column name. */
    public List<Map<String, String>> servers(int statsBind) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String csv = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(statsBind) + "/stats;csv")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String[] lines = csv.split("\n");
            String[] columns = lines[0].replaceFirst("^# ", "").split(",", -1);
            List<Map<String, String>> rows = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                String[] values = lines[i].split(",", -1);
                Map<String, String> row = new HashMap<>();
                for (int c = 0; c < columns.length && c < values.length; c++) row.put(columns[c], values[c]);
                String name = row.get("svname");
                if (name != null && !name.equals("FRONTEND") && !name.equals("BACKEND")) rows.add(row);
            }
            return rows;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        process.destroy();
        process.waitFor();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
