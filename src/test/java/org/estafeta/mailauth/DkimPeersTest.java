package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.estafeta.dns.Dns;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.Processes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our DKIM against two independent implementations, both ways: dkimpy (Debian python3-dkim) and
 * OpenDKIM (Debian opendkim, in its test mode {@code -t}). Keys are published by a real dnsmasq.
 * OpenDKIM's test mode reads public keys from a file ({@code TestPublicKeys}) because libresolv
 * cannot be pointed at a test port; opendkim-testmsg only signs rsa-sha1, which RFC 8301 retired.
 */
class DkimPeersTest {

    private static final String MESSAGE = DkimTest.MESSAGE.replace("ejemplo.es", "peer.test");

    private static Path dir;
    private static Dnsmasq dnsmasq;
    private static DkimKey ed, rsa;
    private static DkimVerifier verifier;

    @BeforeAll
    static void keys() throws Exception {
        dir = Files.createTempDirectory("dkim-peers");
        DkimKeys keys = new DkimKeys(dir);
        ed = keys.generate("peer.test", DkimAlgorithm.ED25519_SHA256, "ed");
        rsa = keys.generate("peer.test", DkimAlgorithm.RSA_SHA256, "rsa");
        dnsmasq = new Dnsmasq();
        List<String> publicKeys = new ArrayList<>();
        for (DkimKey k : List.of(ed, rsa)) {
            String text = k.recordText();
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < text.length(); i += 255) parts.add(text.substring(i, Math.min(text.length(), i + 255)));
            dnsmasq.txt(k.recordName(), parts.toArray(String[]::new));
            publicKeys.add(k.recordName() + " " + text);
        }
        dnsmasq.start();
        Files.write(dir.resolve("public-keys"), publicKeys);
        Files.writeString(dir.resolve("rsa.pem"), pem(rsa.privateKey().getEncoded()));
        Files.writeString(dir.resolve("ed.pem"), pem(ed.privateKey().getEncoded()));
        // dkimpy wants the bare 32-byte Ed25519 seed, base64 (what its dknewkey writes).
        byte[] pkcs8 = ed.privateKey().getEncoded();
        Files.writeString(dir.resolve("ed.seed"), Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length)));
        verifier = new DkimVerifier(new Dns(List.of(dnsmasq.address()), Duration.ofSeconds(2)), Clock.systemUTC(), 5);
    }

    @AfterAll
    static void stop() throws Exception {
        dnsmasq.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void dkimpyVerifiesOurSignatures() throws Exception {
        String signed = DkimSigner.sign(List.of(ed, rsa), stream(MESSAGE), Instant.now()) + MESSAGE;
        assertThat(dkimpyVerify(signed)).containsExactly("pass", "pass");
        assertThat(dkimpyVerify(signed.replace("nueve", "diez"))).allMatch(line -> line.startsWith("fail"));
        assertThat(dkimpyVerify(signed.replace("Subject: Cena", "Subject: Comida"))).allMatch(line -> line.startsWith("fail"));
    }

    @Test
    void openDkimVerifiesOurSignatures() throws Exception {
        for (DkimKey key : List.of(ed, rsa)) {
            String signed = DkimSigner.sign(List.of(key), stream(MESSAGE), Instant.now()) + MESSAGE;
            assertThat(openDkim(verifyConfig(), signed)).as(key.algorithmName()).contains("verification (s=" + key.selector()).contains(") succeeded");
            assertThat(openDkim(verifyConfig(), signed.replace("nueve", "diez"))).as(key.algorithmName()).contains("failed");
            assertThat(openDkim(verifyConfig(), signed.replace("Subject: Cena", "Subject: Comida"))).as(key.algorithmName()).contains("failed");
        }
    }

    @Test
    void weVerifyDkimpySignatures() throws Exception {
        for (String[] way : new String[][] {{"ed", "ed.seed", "ed25519-sha256", "relaxed"}, {"rsa", "rsa.pem", "rsa-sha256", "relaxed"},
                {"ed", "ed.seed", "ed25519-sha256", "simple"}, {"rsa", "rsa.pem", "rsa-sha256", "simple"}}) {
            var result = Processes.run(List.of("dkimsign", way[0], "peer.test", dir.resolve(way[1]).toString(), "--signalg", way[2],
                    "--hcanon", way[3], "--bcanon", way[3]), MESSAGE.getBytes(StandardCharsets.UTF_8));
            assertThat(result.exitCode()).as(result.output()).isZero();
            String signed = result.output().replace("\r\n", "\n").replace("\n", "\r\n");
            assertThat(signed).contains("a=" + way[2]);
            assertThat(verify(signed)).as(String.join(" ", way)).containsExactly(DkimResult.Status.PASS);
            assertThat(verify(signed.replace("nueve", "diez"))).as(String.join(" ", way)).containsExactly(DkimResult.Status.FAIL);
        }
    }

    @Test
    void weVerifyOpenDkimSignatures() throws Exception {
        for (DkimKey key : List.of(ed, rsa)) {
            Path conf = dir.resolve("sign-" + key.selector() + ".conf");
            Files.write(conf, List.of("Mode s", "Domain peer.test", "Selector " + key.selector(),
                    "KeyFile " + dir.resolve(key.selector() + ".pem"), "SignatureAlgorithm " + key.algorithm().tag,
                    "Canonicalization relaxed/relaxed", "Syslog no", "RequireSafeKeys no"));
            String out = openDkim(conf, MESSAGE);
            // With -vv the test mode prints the field it would insert: ### INSHEADER: ... hvalue='...'
            int start = out.indexOf("hvalue='"), end = out.indexOf("'", start + 8);
            assertThat(start).as(out).isPositive();
            String signed = "DKIM-Signature: " + out.substring(start + 8, end).replace("\n", "\r\n") + "\r\n" + MESSAGE;
            assertThat(signed).contains("a=" + key.algorithm().tag);
            assertThat(verify(signed)).as(key.algorithmName()).containsExactly(DkimResult.Status.PASS);
            assertThat(verify(signed.replace("Subject: Cena", "Subject: Comida"))).containsExactly(DkimResult.Status.FAIL);
        }
    }

    private static List<DkimResult.Status> verify(String message) throws Exception {
        return verifier.verify(stream(message)).stream().map(DkimResult::status).toList();
    }

    private static List<String> dkimpyVerify(String message) throws Exception {
        var result = Processes.run(List.of("/usr/bin/python3", Processes.resource("dkimpy_verify.py").toString(), String.valueOf(dnsmasq.port())),
                message.getBytes(StandardCharsets.UTF_8));
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output().lines().toList();
    }

    private static Path verifyConfig() throws Exception {
        Path conf = dir.resolve("verify.conf");
        Files.write(conf, List.of("Mode v", "TestPublicKeys " + dir.resolve("public-keys"), "Syslog no"));
        return conf;
    }

    /** OpenDKIM's test mode on one message; its report lines. */
    private static String openDkim(Path conf, String message) throws Exception {
        Path file = dir.resolve("message.eml");
        Files.writeString(file, message);
        var result = Processes.run(List.of("opendkim", "-x", conf.toString(), "-vv", "-t", file.toString()), new byte[0]);
        return result.output();
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8) + "\n-----END PRIVATE KEY-----\n";
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
