package org.estafeta.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external client (swaks, python3, openssl, curl) and captures what it printed. */
public final class Processes {

    public record Result(int exitCode, String output) {
    }

    private Processes() {
    }

    public static boolean available(String command) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }

    /** Runs {@code command} with {@code stdin} as input; output is stdout and stderr together. */
    public static Result run(List<String> command, byte[] stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread feeder = Thread.ofVirtual().start(() -> {
            try (var in = p.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the process may exit without reading everything
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        feeder.join();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public static Path resource(String name) {
        return Path.of("src/test/resources/clients", name).toAbsolutePath();
    }
}
