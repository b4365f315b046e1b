package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's commands as a newcomer runs them on a machine whose default java is 17: {@code ./mvnw}
 * and {@code ./estafeta} find a JDK 25 themselves, and a server started by {@code ./estafeta} survives
 * a rebuild of target/estafeta.jar; its first start records a start-up cache that later starts map.
 */
class LauncherTest {

    /** The machine's default Java (Debian's is 17): what a fresh shell has on PATH. */
    private static final String OLD_JDK = "/usr/lib/jvm/java-17-openjdk-amd64";

    @TempDir
    Path tmp;

    @Test
    void mvnwFindsJdk25WithoutJavaHomeOrWithJavaHomeOnAnOldJdk() throws Exception {
        for (String javaHome : new String[] {null, OLD_JDK}) {
            Run r = run(Path.of("."), javaHome, "./mvnw", "-v");
            assertThat(r.code()).as("JAVA_HOME=%s: %s", javaHome, r.out()).isZero();
            assertThat(r.out()).as("JAVA_HOME=%s", javaHome).containsPattern("Java version: 2[5-9]");
        }
    }

    @Test
    void estafetaHelpFindsJdk25WithoutJavaHomeOrWithJavaHomeOnAnOldJdk() throws Exception {
        Path repo = launcherCopy();
        for (String javaHome : new String[] {null, OLD_JDK}) {
            Run r = run(repo, javaHome, "./estafeta", "--help");
            assertThat(r.code()).as("JAVA_HOME=%s: %s", javaHome, r.out()).isZero();
            assertThat(r.out()).as("JAVA_HOME=%s", javaHome).contains("Usage: estafeta", "serve");
        }
    }

    @Test
    void aRebuildOfTheJarDoesNotBreakTheRunningServer() throws Exception {
        Path repo = launcherCopy();
        Served server = serve(repo, Map.of());
        try {
            int web = server.webPort();
            // What a build does to the file: rewrite it in place.
            Files.write(repo.resolve("target/estafeta.jar"), "rebuilt: not the jar the server started from".getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> login = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/login")).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("<form");
        } finally {
            server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theFirstServeRecordsTheSecondAssemblesAStartUpCacheTheThirdMaps() throws Exception {
        Path repo = launcherCopy();
        Path cache = tmp.resolve("cache/estafeta");

        Served first = serve(repo, Map.of());
        first.webPort();
        // A bounded heap by default: left alone the JVM takes a quarter of the machine's memory (issue 10, item 15).
        assertThat(commandLine(first.process)).contains("-XX:AOTMode=record", "-Xmx512m");
        first.process.destroy(); // SIGTERM, as Ctrl-C: the JVM writes its record on the way out
        first.exit();
        assertThat(aotFiles(cache)).as(first.output.toString()).singleElement()
                .satisfies(f -> assertThat(f.toString()).endsWith(".aot.record." + first.process.pid()));
        assertThat(first.output.toString()).doesNotContain("[warning]", "Exception");

        Served second = serve(repo, Map.of());
        try {
            second.webPort();
            assertThat(commandLine(second.process)).noneMatch(a -> a.startsWith("-XX:AOT"));
        } finally {
            second.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        Path assembled = awaitCache(cache);

        Served third = serve(repo, Map.of());
        try {
            third.webPort();
            assertThat(commandLine(third.process)).contains("-XX:AOTCache=" + assembled);
            // Mapped, not merely named: a cache the JVM rejects (another JDK, other options) is not.
            assertThat(Files.readString(Path.of("/proc/" + third.process.pid() + "/maps")))
                    .as(third.output.toString()).contains(assembled.toString());
        } finally {
            third.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The cache the launcher assembles in the background, once its temporary files are gone. */
    private static Path awaitCache(Path cache) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (Instant.now().isBefore(deadline)) {
            List<Path> files = aotFiles(cache);
            if (files.size() == 1 && files.getFirst().toString().endsWith(".aot")) return files.getFirst();
            Thread.sleep(500);
        }
        throw new AssertionError("no start-up cache assembled: " + aotFiles(cache) + "\n"
                + (Files.exists(aotLog(cache)) ? Files.readString(aotLog(cache)) : ""));
    }

    private static Path aotLog(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) return cache.resolve("none");
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.toString().endsWith(".aot.log")).findFirst().orElse(cache.resolve("none"));
        }
    }

    @Test
    void noStartUpCacheWhenTurnedOffOrForOtherCommands() throws Exception {
        Path repo = launcherCopy();
        Served server = serve(repo, Map.of("ESTAFETA_AOT", "0", "ESTAFETA_JAVA_OPTS", "-Xmx300m -Dx=y"));
        try {
            server.webPort();
            assertThat(commandLine(server.process)).noneMatch(a -> a.startsWith("-XX:AOT"))
                    .as("ESTAFETA_JAVA_OPTS replaces the default heap limit").contains("-Xmx300m", "-Dx=y").doesNotContain("-Xmx512m");
        } finally {
            server.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(run(repo, null, "./estafeta", "--help").code()).isZero();
        assertThat(aotFiles(tmp.resolve("cache/estafeta"))).isEmpty();
    }

    /** {@code ./estafeta --data DIR serve} with only SMTP and the plain web port open, on ports the system picks. */
    private Served serve(Path repo, Map<String, String> extraEnv) throws IOException {
        Path data = tmp.resolve("data");
        List<String> cmd = new ArrayList<>(List.of("./estafeta", "--data", data.toString(), "serve"));
        for (String p : List.of("smtp", "submission", "odmr", "smtps", "pop3", "pop3s", "imap", "imaps")) {
            cmd.addAll(List.of("--set", "ports." + p + "=" + (p.equals("smtp") ? "0" : "-1")));
        }
        cmd.addAll(List.of("--set", "web.port=0", "--set", "web.tls_port=-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        environment(pb, System.getProperty("java.home"));
        pb.environment().putAll(extraEnv);
        return new Served(pb.start());
    }

    /** The JVM's arguments: the launcher execs java, so the process it started is the JVM. */
    private static List<String> commandLine(Process p) throws IOException {
        return List.of(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).split("\\x00"));
    }

    private static List<Path> aotFiles(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) return List.of();
        try (var files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().contains(".aot") && !f.toString().endsWith(".log")).sorted().toList();
        }
    }

    private record Run(int code, String out) {
    }

    private Run run(Path dir, String javaHome, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        environment(pb, javaHome);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) p.destroyForcibly();
        return new Run(p.exitValue(), out);
    }

    /** A fresh shell: java 17 first on PATH, JAVA_HOME as given (null: unset), the launcher's cache in the temp dir. */
    private void environment(ProcessBuilder pb, String javaHome) {
        Map<String, String> env = pb.environment();
        env.remove("JAVA_HOME");
        if (javaHome != null) env.put("JAVA_HOME", javaHome);
        env.put("PATH", OLD_JDK + "/bin:/usr/local/bin:/usr/bin:/bin");
        env.put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    }

    /**
     * The launcher with a jar that is newer than the sources beside it, so that it runs without
     * building: the jar holds target/classes, with the dependencies on its manifest's class path.
     */
    private Path launcherCopy() throws IOException {
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo.resolve(".mvn"));
        Files.createDirectories(repo.resolve("src/main"));
        Files.createDirectories(repo.resolve("target"));
        Files.copy(Path.of("estafeta"), repo.resolve("estafeta"));
        Files.copy(Path.of(".mvn/find-jdk.sh"), repo.resolve(".mvn/find-jdk.sh"));
        Files.copy(Path.of("pom.xml"), repo.resolve("pom.xml"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        StringBuilder classPath = new StringBuilder();
        Path classes = Path.of("target/classes").toAbsolutePath();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (entry.endsWith(".jar")) classPath.append(Path.of(entry).toAbsolutePath().toUri()).append(' ');
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.toString().strip());
        Path jar = repo.resolve("target/estafeta.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
             var files = Files.walk(classes)) {
            // Directory entries too: Flyway finds its migrations by asking for their folder.
            for (Path f : files.filter(f -> !f.equals(classes)).toList()) {
                String name = classes.relativize(f).toString().replace('\\', '/');
                boolean dir = Files.isDirectory(f);
                out.putNextEntry(new java.util.jar.JarEntry(dir ? name + "/" : name));
                if (!dir) Files.copy(f, out);
                out.closeEntry();
            }
        }
        FileTime old = FileTime.from(Instant.now().minusSeconds(3600));
        Files.setLastModifiedTime(repo.resolve("pom.xml"), old);
        Files.setLastModifiedTime(repo.resolve("src/main"), old);
        return repo;
    }

    /** A server started through the launcher, its output kept for the failure message. */
    private static final class Served {
        final Process process;
        final StringBuffer output = new StringBuffer();
        private final java.util.concurrent.CompletableFuture<Integer> webPort = new java.util.concurrent.CompletableFuture<>();
        private final Thread reader;

        Served(Process process) {
            this.process = process;
            Pattern p = Pattern.compile("^\\s+webmail http://localhost:(\\d+)/.*");
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        output.append(line).append('\n');
                        Matcher m = p.matcher(line);
                        if (m.matches()) webPort.complete(Integer.parseInt(m.group(1)));
                    }
                } catch (IOException ignored) {
                    // the server was stopped
                }
                webPort.completeExceptionally(new AssertionError("server did not start:\n" + output));
            });
        }

        int webPort() throws Exception {
            return webPort.get(5, TimeUnit.MINUTES);
        }

        /** Waits for the process to end and its output to be read to the end; the exit code. */
        int exit() throws InterruptedException {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("still running:\n%s", output).isTrue();
            reader.join(Duration.ofSeconds(30));
            return process.exitValue();
        }
    }
}
