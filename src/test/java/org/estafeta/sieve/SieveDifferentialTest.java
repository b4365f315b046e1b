package org.estafeta.sieve;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.estafeta.testing.Processes;
import org.junit.jupiter.api.Test;

/**
 * Differential test against Dovecot Pigeonhole (Debian dovecot-sieve): every script of
 * resources/sieve/corpus.sieve runs on every message of resources/sieve/messages through both
 * Pigeonhole's {@code sieve-test} and our interpreter, and the actions must agree: what is stored
 * where with which flags, redirects, reject, a vacation reply or not, a runtime failure. Differences
 * that the RFCs allow are listed, each with its reason, in known-differences.txt; any other fails.
 */
class SieveDifferentialTest {

    private static final Path RESOURCES = Path.of("src/test/resources/sieve");
    private static final String RECIPIENT = "bob@example.com";
    /** sieve-test cannot take the null reverse-path (-f ""), so the bounce comes from MAILER-DAEMON. */
    private static final Map<String, String> SENDERS = Map.of("plain.eml", "alice@example.org", "list.eml", "acme-users-bounces@lists.example.net",
            "multipart.eml", "Bob.Smith@Example.COM", "bounce.eml", "MAILER-DAEMON@mx.example.org", "invoice.eml", "frank@partner.example");

    @Test
    void actionsMatchPigeonhole() throws Exception {
        Map<String, String> scripts = corpus();
        assertThat(scripts).hasSizeGreaterThanOrEqualTo(60);
        Path dir = Files.createTempDirectory("sieve-diff");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path config = dovecotConfig(dir);
        Map<String, String> known = knownDifferences();
        List<String> unexpected = new ArrayList<>();
        int cases = 0, same = 0;
        for (var script : scripts.entrySet()) {
            Path file = dir.resolve(script.getKey() + ".sieve");
            Files.writeString(file, script.getValue());
            for (Path message : messages()) {
                String name = message.getFileName().toString();
                String id = script.getKey() + " × " + name;
                cases++;
                String theirs = pigeonhole(config, dir, file, message, script.getValue().contains("vacation"));
                String ours = ours(script.getValue(), Files.readAllBytes(message), SENDERS.get(name));
                if (theirs.equals(ours)) {
                    same++;
                } else if (!known.containsKey(id)) {
                    unexpected.add(id + "\n    pigeonhole: " + theirs + "\n    estafeta:   " + ours);
                }
            }
        }
        System.out.printf("sieve differential: %d scripts × %d messages = %d cases, %d identical, %d listed differences%n",
                scripts.size(), messages().size(), cases, same, cases - same - unexpected.size());
        assertThat(unexpected).as("differences from Pigeonhole not in known-differences.txt").isEmpty();
        assertThat(cases - same).as("known-differences.txt lists cases that now match").isEqualTo(known.size());
    }

    private static String ours(String script, byte[] message, String sender) {
        Script compiled;
        try {
            compiled = Compiler.compile(script, SieveLimits.DEFAULT);
        } catch (SieveException e) {
            return "compile-error";
        }
        Context context = new Context(sender, RECIPIENT, List.of(RECIPIENT), "mx.example.com", m -> m.equalsIgnoreCase("INBOX"), Instant.now());
        Outcome outcome = Interpreter.run(compiled, new ParsedMessage(message), context, SieveLimits.DEFAULT);
        TreeSet<String> actions = new TreeSet<>();
        if (outcome.failed()) actions.add("error");
        for (Action a : outcome.actions()) {
            actions.add(switch (a) {
                case Action.Keep k -> store("INBOX", k.flags());
                case Action.FileInto f -> store(f.mailbox(), f.flags());
                case Action.Redirect r -> "redirect " + r.address().toLowerCase(Locale.ROOT);
                case Action.Reject r -> "reject";
                case Action.Vacation v -> "vacation";
            });
        }
        return String.join(" | ", actions);
    }

    private static String store(String mailbox, List<String> flags) {
        TreeSet<String> f = new TreeSet<>();
        for (String flag : flags) f.add(flag.toLowerCase(Locale.ROOT));
        return "store " + mailbox + (f.isEmpty() ? "" : " " + f);
    }

    /** sieve-test's "Performed actions" and "Implicit keep" in the same words; with -e, whether the vacation reply went out. */
    private static String pigeonhole(Path config, Path dir, Path script, Path message, boolean vacation) throws Exception {
        String sender = SENDERS.get(message.getFileName().toString());
        List<String> command = List.of("sieve-test", "-c", config.toString(), "-f", sender, "-r", RECIPIENT, script.toString(), message.toString());
        Processes.Result r = Processes.run(command, new byte[0]);
        String out = r.output();
        if (out.contains("failed to compile")) return "compile-error";
        TreeSet<String> actions = new TreeSet<>();
        if (out.contains("final result: failed")) {
            actions.add("error");
            actions.add("store INBOX");
            return String.join(" | ", actions);
        }
        String store = null;
        TreeSet<String> flags = new TreeSet<>();
        List<String> folders = new ArrayList<>();
        for (String line : out.split("\n")) {
            String l = line.strip();
            if (l.startsWith("* ") || l.startsWith("Implicit keep") || l.startsWith("sieve-test:")) {
                if (store != null) actions.add("store " + store + (flags.isEmpty() ? "" : " " + flags));
                store = null;
                flags.clear();
            }
            if (l.startsWith("* store message in folder: ")) {
                store = l.substring("* store message in folder: ".length());
                folders.add(store);
            } else if (l.startsWith("+ add IMAP flags: ") && store != null) {
                for (String f : l.substring("+ add IMAP flags: ".length()).split(" ")) flags.add(f.toLowerCase(Locale.ROOT));
            } else if (l.startsWith("* redirect message to: ")) {
                actions.add("redirect " + l.substring("* redirect message to: ".length()).replaceAll("[<>]", "").toLowerCase(Locale.ROOT));
            } else if (l.startsWith("* reject message")) {
                actions.add("reject");
            }
        }
        if (store != null) actions.add("store " + store + (flags.isEmpty() ? "" : " " + flags));
        if (vacation && out.contains("* send vacation message")) {
            if (vacationSent(config, dir, folders, command)) actions.add("vacation");
        }
        return String.join(" | ", actions);
    }

    /**
     * Runs the script again with -e (execute), where Pigeonhole applies RFC 3834's rules and prints
     * the reply it would send. Folders are made first: sieve-test does not create them on its own.
     */
    private static boolean vacationSent(Path config, Path dir, List<String> folders, List<String> command) throws Exception {
        Path mail = dir.resolve("mail");
        if (Files.exists(mail)) {
            try (Stream<Path> s = Files.walk(mail)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        for (String folder : folders) {
            for (String sub : List.of("cur", "new", "tmp")) {
                Path p = folder.equals("INBOX") ? mail.resolve(sub) : mail.resolve("." + folder).resolve(sub);
                Files.createDirectories(p);
            }
        }
        if (Files.exists(mail)) {
            try (Stream<Path> s = Files.walk(mail)) {
                for (Path p : s.toList()) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        List<String> execute = new ArrayList<>(command);
        execute.add(1, "-e");
        return Processes.run(execute, new byte[0]).output().contains("Auto-Submitted: auto-replied");
    }

    private static Path dovecotConfig(Path dir) throws IOException, InterruptedException {
        // sieve-test drops to mail_uid and refuses root, so as root it runs as nobody in a world-writable dir.
        String uid = Processes.run(List.of("id", "-u"), new byte[0]).output().strip();
        String gid = Processes.run(List.of("id", "-g"), new byte[0]).output().strip();
        if (uid.equals("0")) {
            uid = "65534";
            gid = "65534";
        }
        Path config = dir.resolve("dovecot.conf");
        Files.writeString(config, String.join("\n",
                "base_dir = " + dir.resolve("run"),
                "state_dir = " + dir.resolve("state"),
                "mail_uid = " + uid,
                "mail_gid = " + gid,
                "first_valid_uid = 0",
                "first_valid_gid = 0",
                "mail_location = maildir:" + dir.resolve("mail"),
                "log_path = /dev/stderr",
                "postmaster_address = postmaster@example.com",
                ""));
        return config;
    }

    static Map<String, String> corpus() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(RESOURCES.resolve("corpus.sieve"), StandardCharsets.UTF_8)) {
            if (line.startsWith("### ")) {
                if (name != null) out.put(name, sb.toString());
                name = line.substring(4).strip();
                sb.setLength(0);
            } else if (name != null) {
                sb.append(line).append('\n');
            }
        }
        if (name != null) out.put(name, sb.toString());
        return out;
    }

    private static List<Path> messages() throws IOException {
        try (Stream<Path> s = Files.list(RESOURCES.resolve("messages"))) {
            return s.sorted().toList();
        }
    }

    /** "script × message: reason" lines; the reason cites the RFC that allows the difference. */
    private static Map<String, String> knownDifferences() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(RESOURCES.resolve("known-differences.txt"), StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int colon = line.indexOf(": ");
            out.put(line.substring(0, colon).strip(), line.substring(colon + 2));
        }
        return out;
    }
}
