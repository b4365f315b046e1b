package org.estafeta.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Dovecot's {@code doveadm} on a mail location in a temp dir, without a running Dovecot: the real
 * program writes the Maildir++ trees and mbox files that tests import. doveadm drops to
 * {@code mail_uid} and refuses root, so as root it runs as nobody in a world-writable dir.
 */
public final class Doveadm {

    private final Path dir;
    private final Path config;

    /** {@code location}: a Dovecot mail_location ({@code maildir:/x}, {@code mbox:/x:INBOX=/x/inbox}). */
    public Doveadm(Path dir, String location) throws IOException, InterruptedException {
        this.dir = dir;
        worldWritable(dir);
        String uid = Processes.run(List.of("id", "-u"), new byte[0]).output().strip();
        String gid = Processes.run(List.of("id", "-g"), new byte[0]).output().strip();
        if (uid.equals("0")) {
            uid = "65534";
            gid = "65534";
        }
        this.config = dir.resolve("dovecot-" + System.nanoTime() + ".conf");
        Files.writeString(config, String.join("\n",
                "base_dir = " + dir.resolve("run"),
                "state_dir = " + dir.resolve("state"),
                "mail_uid = " + uid,
                "mail_gid = " + gid,
                "first_valid_uid = 0",
                "first_valid_gid = 0",
                "mail_location = " + location,
                "log_path = /dev/stderr",
                ""));
    }

    /** A directory doveadm (as nobody) can write in. */
    public static void worldWritable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    /** Runs {@code doveadm ARGS} with {@code stdin}; its output, or an AssertionError with it when it fails. */
    public String run(byte[] stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("doveadm", "-c", config.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("USER", System.getProperty("user.name"));
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new AssertionError(command + " exited " + p.exitValue() + ": " + text);
        return text;
    }

    public String run(String... args) throws IOException, InterruptedException {
        return run(new byte[0], args);
    }
}
