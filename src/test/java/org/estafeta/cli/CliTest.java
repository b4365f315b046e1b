package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.estafeta.app.Storage;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Blob;
import org.estafeta.store.Envelope;
import org.estafeta.store.Intake;
import org.estafeta.testing.ServerProcess;
import org.estafeta.testing.SmtpDialog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The administration commands as a person types them, against a real store in a temporary data dir. */
class CliTest {

    @TempDir
    Path data;

    private CliRun run(String stdin, String... args) {
        return CliRun.run(data, stdin, args);
    }

    @Test
    void domainsUsersAndAliases() {
        assertThat(run("", "domain", "add", "Servidor.ES").out()).contains("added domain servidor.es");
        assertThat(run("", "domain", "add", "servidor.es")).satisfies(r -> {
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err()).contains("domain servidor.es already exists");
        });
        assertThat(run("", "domain", "list").out()).contains("servidor.es", "localhost");

        assertThat(run("secreto1\n", "user", "add", "usuario@servidor.es", "--password-stdin").out()).contains("added user usuario@servidor.es");
        assertThat(run("corta\n", "user", "add", "corto@servidor.es", "--password-stdin").err())
                .contains("at least 8 characters (auth.min_password_length)");
        assertThat(run("secreto1\n", "user", "add", "nadie@otro.es", "--password-stdin").err())
                .contains("domain otro.es is not served here; add it first with: estafeta domain add otro.es");
        assertThat(run("\n", "user", "add", "vacio@servidor.es", "--password-stdin").err()).contains("the password must not be empty");
        assertThat(run("secreto1\n", "user", "add", "not-an-address", "--password-stdin").err()).contains("not an address");
        assertThat(run("", "user", "list").out()).isEqualTo("usuario@servidor.es\n");
        assertThat(run("nueva-clave\n", "user", "passwd", "usuario@servidor.es", "--password-stdin").out()).contains("password changed");

        assertThat(run("", "alias", "add", "info@servidor.es", "usuario@servidor.es").code()).isZero();
        assertThat(run("", "alias", "add", "@servidor.es", "usuario@servidor.es").code()).isZero();
        assertThat(run("", "alias", "list").out()).contains("@servidor.es -> usuario@servidor.es", "info@servidor.es -> usuario@servidor.es");
        assertThat(run("", "domain", "remove", "servidor.es").err()).contains("still has accounts");
        assertThat(run("", "alias", "remove", "info@servidor.es").code()).isZero();
        assertThat(run("", "user", "remove", "usuario@servidor.es").out()).contains("removed user usuario@servidor.es");
        assertThat(run("", "user", "remove", "usuario@servidor.es").err()).contains("no such account");
    }

    @Test
    void queueCommands() throws Exception {
        run("", "domain", "list");
        String id = "2382TESTQUEUE1";
        try (Storage storage = Storage.open(ConfigLoader.load(data, null, java.util.Map.of(), 0))) {
            Blob blob;
            try (var w = storage.blobs().create()) {
                w.write("Subject: queued\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                blob = w.finish();
            }
            storage.intake().accept(blob, Instant.now(), List.of(), List.of(new Intake.Outgoing(id,
                    new Envelope("pepe@pepito.es", null, null, List.of(new Envelope.Recipient("ana@destino.es", null, null))))), null);
        }
        String list = run("", "queue", "list").out();
        assertThat(list.lines().findFirst().orElseThrow()).startsWith("ID").contains("AGE", "SIZE", "NEXT RETRY", "SENDER", "RECIPIENTS");
        assertThat(list).contains(id, "<pepe@pepito.es>", "ana@destino.es").containsPattern("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(run("", "queue", "show", id).out()).contains("<ana@destino.es> queued, 0 attempts");
        assertThat(run("", "queue", "retry", "--all").out()).contains("1 recipient(s) due now");
        assertThat(run("", "queue", "bounce", id).out()).contains("1 recipient(s) will bounce");
        assertThat(run("", "queue", "show", id).out()).contains("failed", "returned to sender by the administrator");
        assertThat(run("", "queue", "delete", id).out()).contains("deleted " + id);
        assertThat(run("", "queue", "list").out()).contains("The queue is empty.");
        assertThat(run("", "queue", "delete", id).err()).contains("no queued message " + id);
    }

    @Test
    void configShowAppliesOverrides() {
        CliRun r = run("", "--set", "limits.recipients=7", "config", "show");
        assertThat(r.out()).contains("[limits]", "recipients = 7", "[queue]");
        // Before and after the subcommand's name alike (the later --set lost the earlier ones: a node on PostgreSQL
        // started on SQLite with `estafeta --set store.url=... serve --set web.port=...`).
        assertThat(run("", "--set", "limits.recipients=7", "--set", "limits.line_length=900", "config", "show",
                "--set", "limits.line_length=1000").out()).contains("recipients = 7", "line_length = 1000");
        CliRun unknown = run("", "--set", "limits.nope=1", "config", "show");
        assertThat(unknown.code()).as("an unknown key is a warning").isZero();
        assertThat(unknown.err()).contains("--set limits.nope: unknown key limits.nope (did you mean limits.");
        CliRun strict = run("", "--strict", "--set", "limits.nope=1", "config", "show");
        assertThat(strict.code()).isEqualTo(1);
        assertThat(strict.err()).contains("estafeta: --set limits.nope: unknown key limits.nope");
    }

    /** A certificate with somebody else's key would start and then fail every handshake: refused at start, in one line. */
    @Test
    void serveRefusesACertificateAndKeyThatDoNotMatch() {
        org.estafeta.tls.TlsContexts.selfSigned(data.resolve("a"), "a.example");
        org.estafeta.tls.TlsContexts.selfSigned(data.resolve("b"), "b.example");
        List<String> args = new java.util.ArrayList<>(List.of("--set", "tls.certificate=" + data.resolve("a/cert.pem"),
                "--set", "tls.private_key=" + data.resolve("b/key.pem"), "--set", "web.port=-1", "--set", "web.tls_port=-1"));
        for (String port : List.of("smtp", "submission", "odmr", "smtps", "pop3", "pop3s", "imap", "imaps")) {
            args.addAll(List.of("--set", "ports." + port + "=-1"));
        }
        args.add("serve");
        CliRun r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                () -> run("", args.toArray(String[]::new)), "the server started with a key that is not the certificate's");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().lines().filter(l -> !l.matches("\\d\\d:\\d\\d:.*")).toList()).as("besides log lines").singleElement()
                .asString().startsWith("estafeta: the private key ").contains("b/key.pem", "does not belong to the certificate", "a/cert.pem");
    }

    @Test
    void everySubcommandAnswersHelp() {
        List<List<String>> paths = new java.util.ArrayList<>();
        collect(Main.commandLine(), List.of(), paths);
        assertThat(paths).contains(List.of("serve"), List.of("user", "add"), List.of("queue", "retry"), List.of("config", "show"));
        for (List<String> path : paths) {
            String[] args = java.util.stream.Stream.concat(path.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
            CliRun r = run("", args);
            assertThat(r.code()).as("%s --help: %s", path, r.err()).isZero();
            assertThat(r.out()).as("%s --help", path).startsWith("Usage: estafeta " + String.join(" ", path));
        }
    }

    @Test
    void topHelpNamesEveryProtocol() {
        assertThat(run("", "--help").out()).contains("SMTP", "POP3", "IMAP", "webmail");
    }

    @Test
    void aSecondServerOnOneDataDirIsRefusedWhileTheCliStillWorks() throws Exception {
        ServerProcess first = ServerProcess.start(data, Map.of());
        try {
            ServerProcess.Exit second = ServerProcess.expectExit(data, Map.of());
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.problems()).singleElement().asString()
                    .startsWith("estafeta: the data directory ").contains("in use by another Estafeta server (PID " + first.pid() + ")");
            assertThat(Files.readString(data.resolve(".lock")).strip()).isEqualTo(String.valueOf(first.pid()));

            // The subcommands share the store with the running server, which sees their changes at once.
            assertThat(run("secreto-largo\n", "user", "add", "nuevo@localhost", "--password-stdin").code()).isZero();
            try (SmtpDialog smtp = SmtpDialog.connect(first.smtpPort())) {
                assertThat(smtp.command("MAIL FROM:<a@example.org>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<nuevo@localhost>")).startsWith("250");
            }
        } finally {
            first.kill9();
        }
        // The OS dropped the dead server's lock: a new one starts on the same data.
        ServerProcess again = ServerProcess.start(data, Map.of());
        again.kill9();
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> out) {
        cmd.getSubcommands().forEach((name, sub) -> {
            List<String> p = new java.util.ArrayList<>(path);
            p.add(name);
            out.add(p);
            collect(sub, p, out);
        });
    }

    @Test
    void dkimKeysAndTheirRecords() throws Exception {
        CliRun ed = run("", "dkim", "generate", "Servidor.ES", "--selector", "nuevo");
        assertThat(ed.out()).contains("created ed25519 key nuevo for servidor.es", "nuevo._domainkey.servidor.es. IN TXT \"v=DKIM1; k=ed25519; p=");
        assertThat(run("", "dkim", "generate", "servidor.es", "--algorithm", "rsa", "--selector", "viejo").out())
                .contains("viejo._domainkey.servidor.es. IN TXT \"v=DKIM1; k=rsa; p=MIIBIjAN");
        assertThat(run("", "dkim", "generate", "servidor.es", "--selector", "nuevo").err()).contains("selector nuevo of servidor.es already exists");
        assertThat(run("", "dkim", "list").out().lines()).hasSize(2).allMatch(l -> l.contains("._domainkey.servidor.es. IN TXT"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(data.resolve("dkim/servidor.es/viejo.pem")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
