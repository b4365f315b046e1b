package org.estafeta.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL (Debian package {@code postgresql}) as a throwaway cluster in a temp dir: {@code
 * initdb}, then {@code pg_ctl} with the server on a loopback TCP port and its Unix socket in the same
 * temp dir, so it never meets the system's cluster. A test class registers one ({@code @RegisterExtension
 * static final PostgreSql pg = PostgreSql.perClass();}: started before its first test, removed after its
 * last) and takes a fresh {@link #createDatabase() database} per test: initdb costs seconds, CREATE
 * DATABASE milliseconds. A single test may {@link #start()} one of its own instead.
 *
 * <p>PostgreSQL refuses to run as root, so when the tests run as root every PostgreSQL command runs
 * as the {@code postgres} user (created by the Debian package) via {@code runuser}, and the temp dir
 * is given to that user. Clients log in over TCP with a password ({@code scram-sha-256}), as a real
 * installation's would; {@link #stop()} and {@link #startAgain()} restart it for failure tests.
 *
 * <p>{@code fsync=off}: the cluster lives only as long as the test class and is never crashed
 * (stops are "fast", which writes everything out), and on a shared 2-core machine the test run is
 * several times faster without it. Durability of our own writes is tested on SQLite and files.
 */
public final class PostgreSql implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

    /** The superuser the tests log in as (also the owner of every database created). */
    public static final String USER = "estafeta";
    public static final String PASSWORD = "test-password";

    private static final String RUN_AS = "postgres";

    private final boolean asRoot = "root".equals(System.getProperty("user.name"));
    private final AtomicInteger databases = new AtomicInteger();
    /** Set when the cluster is made ({@link #start()} or the test class's start). */
    private Path dir;
    private Path bin;
    private int port;

    private PostgreSql() {
    }

    /** Initialises a cluster in a new temp dir and starts it on a free loopback port. */
    public static PostgreSql start() throws IOException, InterruptedException {
        PostgreSql pg = new PostgreSql();
        pg.create();
        return pg;
    }

    /** A cluster for a test class, as a JUnit extension: started before the class's first test, removed after its last. */
    public static PostgreSql perClass() {
        return new PostgreSql();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        create();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    private void create() throws IOException, InterruptedException {
        bin = binaries();
        dir = Files.createTempDirectory("postgresql");
        try {
            init();
            startFirst();
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }

    /** The newest Debian PostgreSQL under /usr/lib/postgresql/VERSION/bin. */
    private static Path binaries() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
                if (found.isPresent()) return found.get();
            }
        }
        throw new AssertionError("postgresql is not installed (./run-tests installs it)");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void init() throws IOException, InterruptedException {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path pwfile = dir.resolve("pwfile");
        Files.writeString(pwfile, PASSWORD + "\n");
        if (asRoot) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.toList()) chown(p);
            }
        }
        // Unix socket: trust (our own psql calls); TCP: password, as a real installation asks.
        run(List.of(bin.resolve("initdb").toString(), "-D", data().toString(), "-U", USER, "--pwfile=" + pwfile,
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"));
        Files.delete(pwfile);
    }

    private void chown(Path p) throws IOException {
        var users = p.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(p, users.lookupPrincipalByName(RUN_AS));
    }

    private void startFirst() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            // pg_ctl cannot report a port it chose, so we pick one and retry if it was taken meanwhile.
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            if (tryStart()) return;
        }
        throw new IOException("postgresql did not start: " + log());
    }

    /** Starts it again (after {@link #stop()}) on the same port, with the same data. */
    public void startAgain() throws IOException, InterruptedException {
        if (!tryStart()) throw new IOException("postgresql did not restart: " + log());
    }

    private boolean tryStart() throws IOException, InterruptedException {
        String options = "-p " + port + " -k " + dir + " -h 127.0.0.1 -c fsync=off -c max_connections=200";
        Processes.Result r = run(List.of(bin.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", data().toString(),
                "-l", dir.resolve("log").toString(), "-o", options), false);
        return r.exitCode() == 0;
    }

    /** Stops it ("fast": open sessions are ended, clients see their connections drop). */
    public void stop() throws IOException, InterruptedException {
        run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-t", "60", "-m", "fast", "-D", data().toString()));
    }

    /** Creates a fresh, empty database owned by {@link #USER} and returns its name. */
    public String createDatabase() throws IOException, InterruptedException {
        String name = "test" + databases.incrementAndGet();
        psql("CREATE DATABASE " + name);
        return name;
    }

    /**
     * Creates a database as a copy of {@code template} (which nobody may be connected to): a schema
     * migrated once is copied in milliseconds, where migrating each new database would take a second.
     */
    public String createDatabase(String template) throws IOException, InterruptedException {
        String name = "test" + databases.incrementAndGet();
        psql("CREATE DATABASE " + name + " TEMPLATE " + template);
        return name;
    }

    /** Runs SQL as the superuser through the Unix socket, in database {@code postgres}. */
    public String psql(String sql) throws IOException, InterruptedException {
        return psql("postgres", sql);
    }

    /** Runs SQL as the superuser through the Unix socket; returns what psql printed (unaligned, no headers). */
    public String psql(String database, String sql) throws IOException, InterruptedException {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", dir.toString(), "-p", Integer.toString(port), "-U", USER, "-d", database, "-c", sql)).output();
    }

    /**
     * Runs one of PostgreSQL's client programs ({@code createuser}, {@code createdb}, …) with {@code args}
     * on this cluster as its superuser, as the {@code postgres} OS user (the docs' {@code sudo -u postgres}).
     */
    public String client(String program, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(bin.resolve(program).toString(), "-h", dir.toString(), "-p",
                Integer.toString(port), "-U", USER));
        command.addAll(args);
        return run(command).output();
    }

    public int port() {
        return port;
    }

    /** A {@code store.url} for a database of this cluster, without credentials. */
    public String url(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A libpq-style URL with the user and password in it. */
    public String urlWithCredentials(String database) {
        return "postgresql://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + "/" + database;
    }

    /** A pgjdbc URL for a database of this cluster (log in with {@link #USER}/{@link #PASSWORD}). */
    public String jdbcUrl(String database) {
        return "jdbc:" + url(database);
    }

    /** The server's log so far (for assertion messages). */
    public String log() {
        try {
            Path log = dir.resolve("log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path data() {
        return dir.resolve("data");
    }

    private Processes.Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, true);
    }

    private Processes.Result run(List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asRoot) full.addAll(List.of("runuser", "-u", RUN_AS, "--"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).directory(dir.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + full);
        }
        var r = new Processes.Result(p.exitValue(), new String(out, java.nio.charset.StandardCharsets.UTF_8));
        if (mustSucceed && r.exitCode() != 0) throw new IOException(full + " exited " + r.exitCode() + ": " + r.output());
        return r;
    }

    /** Stops the server (immediately: nothing of it is kept) and deletes the temp dir. */
    @Override
    public void close() throws IOException {
        if (dir == null) return;
        try {
            if (Files.exists(data().resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "stop", "-w", "-m", "immediate", "-D", data().toString()), false);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }
}
