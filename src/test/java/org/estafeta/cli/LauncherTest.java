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
 * a rebuild of target/estafeta.jar.
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
        Path data = tmp.resolve("data");
        List<String> cmd = new ArrayList<>(List.of("./estafeta", "--data", data.toString(), "serve"));
        for (String p : List.of("smtp", "submission", "odmr", "smtps", "pop3", "pop3s", "imap", "imaps")) {
            cmd.addAll(List.of("--set", "ports." + p + "=" + (p.equals("smtp") ? "0" : "-1")));
        }
        cmd.addAll(List.of("--set", "web.port=0", "--set", "web.tls_port=-1"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        environment(pb, System.getProperty("java.home"));
        Process server = pb.start();
        try {
            int web = webPort(server);
            // What a build does to the file: rewrite it in place.
            Files.write(repo.resolve("target/estafeta.jar"), "rebuilt: not the jar the server started from".getBytes(StandardCharsets.US_ASCII));
            HttpResponse<String> login = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/login")).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).isEqualTo(200);
            assertThat(login.body()).contains("<form");
        } finally {
            server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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

    private static int webPort(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Pattern p = Pattern.compile("^\\s+webmail http://localhost:(\\d+)/.*");
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = p.matcher(line);
            if (m.matches()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException ignored) {
                        // the server was stopped
                    }
                });
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("server did not start:\n" + seen);
    }
}
