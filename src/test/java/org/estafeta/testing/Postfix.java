package org.estafeta.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Postfix (Debian package {@code postfix}) as a throwaway instance in a temp dir, the far end
 * of relay tests: its SMTP server on a loopback port, every address of its {@link #DOMAIN} delivered
 * by {@code virtual(8)} to one Maildir, and mail for any other domain relayed to {@code relayTo}
 * (Estafeta). Its log goes to a file ({@link #log}) so tests can see what it did (BDAT, SMTPUTF8).
 *
 * <p>Why it is started this way: {@code postfix -c DIR start} prints its errors only to a terminal
 * (else to its log), which is why an earlier attempt "exited 1 silently"; the causes were a
 * {@code maillog_file} outside {@code maillog_file_prefixes} and a data directory not owned by the
 * {@code mail_owner}. {@code master -d} runs in the foreground, under {@code setsid} so that its
 * SIGTERM ends exactly its own process group; {@code postfix check} creates the queue directories
 * first. Postfix runs its daemons as the {@code postfix} user and so must be started by root.
 */
public final class Postfix implements AutoCloseable {

    /** The domain this Postfix delivers locally (to {@link #delivered}). */
    public static final String DOMAIN = "peer.test";

    private static final Path MASTER = Path.of("/usr/lib/postfix/sbin/master");

    private final Path dir;
    /** Its SMTP server offers STARTTLS (with tlsmgr(8) running for it). */
    private boolean tls;
    private Process master;
    private int port;

    private Postfix(Path dir) {
        this.dir = dir;
    }

    /**
     * Starts Postfix with SMTPUTF8 on ({@code smtputf8_enable = yes}) or off, relaying mail for other
     * domains to 127.0.0.1:{@code relayTo} (0: nowhere; such mail stays deferred).
     */
    public static Postfix start(boolean smtputf8, int relayTo) throws IOException, InterruptedException {
        return start(smtputf8, relayTo, null, null);
    }

    /**
     * As {@link #start(boolean, int)}, its SMTP server offering STARTTLS with this certificate and key
     * (PEM files; read by smtpd as root before it drops privileges) unless they are null.
     */
    public static Postfix start(boolean smtputf8, int relayTo, Path certificate, Path privateKey) throws IOException, InterruptedException {
        if (!Processes.available("postfix") && !Files.isExecutable(Path.of("/usr/sbin/postfix"))) {
            throw new AssertionError("postfix is not installed (./run-tests installs it)");
        }
        if (!"root".equals(System.getProperty("user.name"))) throw new AssertionError("Postfix must be started by root");
        Path dir = Files.createTempDirectory("postfix");
        Postfix postfix = new Postfix(dir);
        try {
            postfix.configure(smtputf8, relayTo);
            if (certificate != null) postfix.offerTls(certificate, privateKey);
            return postfix.startMaster();
        } catch (IOException | InterruptedException | RuntimeException e) {
            postfix.close();
            throw e;
        }
    }

    private void configure(boolean smtputf8, int relayTo) throws IOException, InterruptedException {
        // The daemons run as "postfix" and must reach the directories below this one.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String d : List.of("etc", "queue", "data", "mail")) Files.createDirectories(dir.resolve(d));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(dir.resolve("data"), users.lookupPrincipalByName("postfix"));
        // virtual(8) delivers as the owner of the Maildir's base, which must not be root.
        PosixFileAttributeView mail = Files.getFileAttributeView(dir.resolve("mail"), PosixFileAttributeView.class);
        mail.setOwner(users.lookupPrincipalByName("postfix"));
        mail.setGroup(users.lookupPrincipalByGroupName("postfix"));
        int uid = (Integer) Files.getAttribute(dir.resolve("mail"), "unix:uid");
        int gid = (Integer) Files.getAttribute(dir.resolve("mail"), "unix:gid");
        Files.writeString(dir.resolve("etc/main.cf"), """
                compatibility_level = 3.6
                queue_directory = %1$s/queue
                data_directory = %1$s/data
                meta_directory = /etc/postfix
                mail_owner = postfix
                setgid_group = postdrop
                maillog_file_prefixes = %1$s
                maillog_file = %1$s/maillog
                inet_interfaces = 127.0.0.1
                inet_protocols = ipv4
                myhostname = postfix.peer.test
                mydomain = peer.test
                mydestination =
                mynetworks = 127.0.0.0/8
                smtputf8_enable = %2$s
                # Mail passes as it came: no header rewriting, no Message-ID/Date added for loopback clients.
                local_header_rewrite_clients =
                alias_maps =
                alias_database =
                virtual_mailbox_domains = %3$s
                virtual_mailbox_base = %1$s/mail
                virtual_mailbox_maps = static:box/
                virtual_minimum_uid = 1
                virtual_uid_maps = static:%4$d
                virtual_gid_maps = static:%5$d
                relayhost = %6$s
                queue_run_delay = 1s
                minimal_backoff_time = 1s
                maximal_backoff_time = 2s
                biff = no
                append_dot_mydomain = no
                smtpd_tls_security_level = none
                smtp_tls_security_level = none
                """.formatted(dir, smtputf8 ? "yes" : "no", DOMAIN, uid, gid, relayTo == 0 ? "" : "[127.0.0.1]:" + relayTo));
        Files.writeString(dir.resolve("etc/master.cf"), masterCf(0));
        Processes.Result check = Processes.run(List.of("postfix", "-c", dir.resolve("etc").toString(), "check"), new byte[0]);
        if (check.exitCode() != 0) throw new IOException("postfix check failed: " + check.output() + log());
    }

    private void offerTls(Path certificate, Path privateKey) throws IOException {
        tls = true;
        String main = Files.readString(dir.resolve("etc/main.cf")).replace("smtpd_tls_security_level = none",
                "smtpd_tls_security_level = may\nsmtpd_tls_cert_file = " + certificate + "\nsmtpd_tls_key_file = " + privateKey);
        Files.writeString(dir.resolve("etc/main.cf"), main);
    }

    private Postfix startMaster() throws IOException, InterruptedException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            Files.writeString(dir.resolve("etc/master.cf"), masterCf(port) + (tls ? "tlsmgr    unix  - - n 1000? 1 tlsmgr\n" : ""));
            master = new ProcessBuilder("setsid", MASTER.toString(), "-c", dir.resolve("etc").toString(), "-d")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("master.out").toFile()).start();
            if (greets()) return this;
            stopMaster();
        }
        throw new IOException("postfix did not start: " + Files.readString(dir.resolve("master.out")) + log());
    }

    /** Only the services these tests use; none chrooted, so nothing has to be copied into a jail. */
    private static String masterCf(int port) {
        return """
                127.0.0.1:%d inet n - n - - smtpd
                pickup    unix  n - n 60 1 pickup
                cleanup   unix  n - n -  0 cleanup
                qmgr      unix  n - n 300 1 qmgr
                rewrite   unix  - - n -  - trivial-rewrite
                bounce    unix  - - n -  0 bounce
                defer     unix  - - n -  0 bounce
                trace     unix  - - n -  0 bounce
                verify    unix  - - n -  1 verify
                flush     unix  n - n 1000? 0 flush
                proxymap  unix  - - n -  - proxymap
                smtp      unix  - - n -  - smtp
                relay     unix  - - n -  - smtp
                error     unix  - - n -  - error
                retry     unix  - - n -  - error
                discard   unix  - - n -  - discard
                virtual   unix  - n n -  - virtual
                anvil     unix  - - n -  1 anvil
                scache    unix  - - n -  1 scache
                postlog   unix-dgram n - n - 1 postlogd
                """.formatted(port);
    }

    private boolean greets() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && master.isAlive()) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(5000);
                byte[] greeting = new byte[4];
                if (s.getInputStream().readNBytes(greeting, 0, 4) == 4 && new String(greeting, StandardCharsets.US_ASCII).equals("220 ")) {
                    return true;
                }
            } catch (IOException notYet) {
                // master has not opened the port yet
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * From now on mail for other domains goes to 127.0.0.1:{@code port}: for a test where each side
     * must know the other's port, so one of them learns it after both have started.
     */
    public void relayTo(int port) throws IOException, InterruptedException {
        String etc = dir.resolve("etc").toString();
        for (List<String> command : List.of(List.of("postconf", "-c", etc, "-e", "relayhost=[127.0.0.1]:" + port),
                List.of("postfix", "-c", etc, "reload"))) {
            Processes.Result r = Processes.run(command, new byte[0]);
            if (r.exitCode() != 0) throw new IOException(command + " failed: " + r.output() + log());
        }
    }

    /** Postfix's SMTP port on 127.0.0.1. */
    public int port() {
        return port;
    }

    /** Every message delivered to {@link #DOMAIN}, as Postfix wrote it (LF line ends, its trace fields on top), oldest first. */
    public List<byte[]> delivered() throws IOException {
        Path fresh = dir.resolve("mail/box/new");
        if (!Files.isDirectory(fresh)) return List.of();
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(fresh)) {
            // Maildir names start with the delivery time in seconds, then a counter: the name orders them.
            for (Path f : files.sorted().toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.add(in.readAllBytes());
                }
            }
        }
        return out;
    }

    /** Postfix's log so far. */
    public String log() throws IOException {
        Path log = dir.resolve("maillog");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private void stopMaster() throws InterruptedException {
        master.destroy();
        if (!master.waitFor(20, TimeUnit.SECONDS)) master.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        try {
            if (master != null) stopMaster();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir; the OS cleans up eventually
        }
    }
}
