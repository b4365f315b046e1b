package org.estafeta.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server in a process of its own, so that a test can kill it with SIGKILL. Only the SMTP listener is on. */
public final class ServerProcess {

    private final Process process;
    /** Every listener's port, by name, as serve printed them. */
    private final Map<String, Integer> ports;
    /** What the process wrote after its start-up lines (its log), read as it comes. */
    private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ServerProcess(Process process) throws IOException {
        this.process = process;
        this.ports = ports(process);
    }

    public static ServerProcess start(Path dataDir, Map<String, String> settings) throws IOException {
        Process p = new ProcessBuilder(command(dataDir, settings)).redirectErrorStream(true).start();
        return new ServerProcess(p);
    }

    /** What a serve that must not start says, and its exit code; fails if it is still running after 90 s (a loaded machine starts slowly). */
    public static Exit expectExit(Path dataDir, Map<String, String> settings) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(dataDir, settings)).redirectErrorStream(true).start();
        java.io.ByteArrayOutputStream output = new java.io.ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(output);
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) p.destroyForcibly().waitFor();
        reader.join(5000);
        String text = output.toString(StandardCharsets.UTF_8);
        if (!exited) throw new AssertionError("serve started, but it should have refused:\n" + text);
        return new Exit(p.exitValue(), text);
    }

    public record Exit(int code, String output) {
        /** The output without the INFO log lines a start writes before it fails: what the user must read. */
        public List<String> problems() {
            return output.lines().filter(l -> !l.isBlank() && !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d+ (INFO|WARN) .*")).toList();
        }
    }

    public long pid() {
        return process.pid();
    }

    private static List<String> command(Path dataDir, Map<String, String> settings) {
        // A test run started under nohup passes SIGHUP on ignored, and the JVM then never takes it
        // (sun.misc.Signal leaves an ignored SIGHUP alone): the server gets it back as the default.
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=HUP", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.estafeta.cli.Main", "--data", dataDir.toString(), "serve", "--set", "server.hostname=" + TestServer.HOSTNAME));
        Map<String, String> all = new java.util.LinkedHashMap<>(Map.of("ports.smtp", "0", "ports.smtps", "-1", "ports.submission", "-1", "ports.odmr", "-1",
                "ports.pop3", "-1", "ports.pop3s", "-1", "ports.imap", "-1", "ports.imaps", "-1", "web.port", "-1", "web.tls_port", "-1"));
        all.put("ports.managesieve", "-1"); // a fixed port by default: two test JVMs at once would collide on it
        all.putAll(settings);
        all.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
        return cmd;
    }

    public int smtpPort() {
        return port("smtp");
    }

    /** A listener's port by name (smtp, imap, pop3, ...): only those the settings turned on. */
    public int port(String listener) {
        Integer port = ports.get(listener);
        if (port == null) throw new IllegalArgumentException("no listener " + listener + " in " + ports);
        return port;
    }

    /** The log lines written since the start. */
    public List<String> output() {
        return List.copyOf(output);
    }

    /** Sends a signal (TERM, HUP) as kill(1) does. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " failed");
    }

    /** Waits for the process to end by itself; its exit code. */
    public int awaitExit(java.time.Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("server still running after " + atMost);
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) throw new AssertionError("server did not die");
    }

    /** Reads the start-up lines up to the listener list's end ("Domains: ..."), then keeps reading in the background. */
    private Map<String, Integer> ports(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        Pattern p = Pattern.compile("^\\s+(\\w+)\\s+port (\\d+)$");
        Map<String, Integer> found = new java.util.LinkedHashMap<>();
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            Matcher m = p.matcher(line);
            if (m.matches()) found.put(m.group(1), Integer.parseInt(m.group(2)));
            if (line.startsWith("Domains: ") && !found.isEmpty()) {
                Thread.ofVirtual().start(() -> drain(out));
                return found;
            }
        }
        throw new AssertionError("server did not start:\n" + seen);
    }

    private void drain(BufferedReader out) {
        try {
            for (String line = out.readLine(); line != null; line = out.readLine()) output.add(line);
        } catch (IOException ignored) {
            // the process was killed
        }
    }
}
