package org.estafeta.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq (Debian package {@code dnsmasq}) on a loopback port, authoritative for every name
 * it is given and NXDOMAIN for the rest ({@code local=/#/}): the DNS that our code and the peer tools
 * (pyspf, dkimpy) both ask in a comparison.
 */
public final class Dnsmasq implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private Process process;
    private int port;
    private Path dir;

    /** A TXT record made of these character-strings (each at most 255 bytes). */
    public Dnsmasq txt(String name, String... strings) {
        StringBuilder line = new StringBuilder("txt-record=").append(name);
        for (String s : strings) line.append(",\"").append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        lines.add(line.toString());
        return this;
    }

    /** A line of dnsmasq's configuration as it is, e.g. {@code txt-record=example.org,"v=spf1 -all"}. */
    public Dnsmasq line(String option) {
        lines.add(option);
        return this;
    }

    /** A and AAAA records for a name. */
    public Dnsmasq host(String name, String... addresses) {
        lines.add("host-record=" + name + "," + String.join(",", addresses));
        return this;
    }

    public Dnsmasq mx(String domain, String host, int preference) {
        lines.add("mx-host=" + domain + "," + host + "," + preference);
        return this;
    }

    /** A PTR record for an address in in-addr.arpa/ip6.arpa form. */
    public Dnsmasq ptr(String reverseName, String target) {
        lines.add("ptr-record=" + reverseName + "," + target);
        return this;
    }

    public Dnsmasq cname(String alias, String target) {
        lines.add("cname=" + alias + "," + target);
        return this;
    }

    /** Starts it on a free loopback port and waits until it answers. */
    public Dnsmasq start() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("dnsmasq");
        for (int attempt = 0; attempt < 5; attempt++) {
            // dnsmasq cannot report a port it chose, so we pick one and retry if it was taken meanwhile.
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                port = probe.getLocalPort();
            }
            Path conf = dir.resolve("dnsmasq.conf");
            List<String> all = new ArrayList<>(List.of("no-resolv", "no-hosts", "port=" + port, "listen-address=127.0.0.1",
                    "bind-interfaces", "local=/#/", "user=" + System.getProperty("user.name"), "pid-file=", "cache-size=0"));
            all.addAll(lines);
            Files.write(conf, all);
            process = new ProcessBuilder("dnsmasq", "--keep-in-foreground", "--conf-file=" + conf, "--log-facility=-")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
            if (answers()) return this;
            process.destroy();
            process.waitFor();
        }
        throw new IOException("dnsmasq did not start: " + Files.readString(dir.resolve("log")));
    }

    private boolean answers() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            var resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
            resolver.setTimeout(Duration.ofMillis(200));
            Lookup probe = new Lookup("probe.invalid.", Type.TXT);
            probe.setResolver(resolver);
            probe.setCache(null);
            probe.run();
            if (probe.getResult() == Lookup.HOST_NOT_FOUND) return true;
            Thread.sleep(50);
        }
        return false;
    }

    /** For {@code dns.servers}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
