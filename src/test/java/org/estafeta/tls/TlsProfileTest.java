package org.estafeta.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.concurrent.CompletableFuture;
import org.estafeta.testing.Processes;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.TrustAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * testssl.sh, the auditors' tool, against one mail port (IMAPS) and the HTTPS port: no finding above
 * LOW (no CBC suites, so no LUCKY13; no client-initiated renegotiation; TLS 1.2 and 1.3 only) but for
 * the client choosing among the suites, which Mozilla's profile asks for. The
 * certificate comes from a test CA given to testssl, valid a year with a CRL address, so that only
 * our TLS configuration can be found wanting, not the test's certificate.
 *
 * <p>Checks run: protocols, cipher categories, forward secrecy, server preferences, vulnerabilities,
 * and for IMAPS the server defaults (certificate) and for HTTPS the HTTP headers. Client simulation
 * and the per-cipher listing are left out: they report, they do not rate. A JDK client then checks
 * that what is offered is exactly Mozilla's "intermediate" profile, suite by suite and group by group.
 */
class TlsProfileTest {

    private static final Set<String> ABOVE_LOW = Set.of("MEDIUM", "HIGH", "CRITICAL");

    /** ssl-config.mozilla.org guidelines 6.0, configurations.intermediate: its own copy, not TlsContexts'. */
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final List<String> TLS12_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final List<String> GROUPS = List.of("X25519MLKEM768", "x25519", "secp256r1", "secp384r1");

    @TempDir
    Path dir;

    @Test
    void testsslFindsNothingAboveLowOnImapsAndHttps() throws Exception {
        Path ca = dir.resolve("ca.pem"), caKey = dir.resolve("ca.key"), key = dir.resolve("key.pem"), cert = dir.resolve("cert.pem");
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "365", "-subj", "/CN=Test CA",
                "-keyout", caKey.toString(), "-out", ca.toString(),
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path csr = dir.resolve("req.csr"), ext = dir.resolve("ext.cnf");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=localhost",
                "-keyout", key.toString(), "-out", csr.toString());
        Files.writeString(ext, "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n"
                + "crlDistributionPoints=URI:http://localhost/ca.crl\n");
        openssl("x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(), "-CAcreateserial",
                "-days", "365", "-extfile", ext.toString(), "-out", cert.toString());

        TestServer server = TestServer.start(Map.of("tls.certificate", cert.toString(), "tls.private_key", key.toString()));
        try {
            var imaps = testssl(ca, "imaps", server.port("imaps"), "-S");
            var https = testssl(ca, "https", server.server().web().tlsPort(), "-h");
            List<String> findings = new ArrayList<>(imaps.get());
            findings.addAll(https.get());
            if (!findings.isEmpty()) {
                // Some probes (secure_client_renego) judge by whether the connection is still open a
                // moment after the attempt; on a loaded machine a slow close reads as VULNERABLE (seen
                // once in a full suite run, never alone). A real weakness repeats in a quiet second run.
                List<String> again = new ArrayList<>(testssl(ca, "imaps-again", server.port("imaps"), "-S").get());
                again.addAll(testssl(ca, "https-again", server.server().web().tlsPort(), "-h").get());
                findings.retainAll(again);
            }
            assertThat(findings).isEmpty();
        } finally {
            server.closeAndDelete();
        }
    }

    /**
     * Exactly the profile: with an ECDSA and with an RSA certificate, on IMAPS and HTTPS, each TLS 1.2
     * suite the JDK knows (CBC, static RSA, DHE included) is offered alone and only the profile's are
     * accepted; TLS 1.0 and 1.1 are refused; each key exchange group alone, only the profile's; and the
     * client's order of suites wins (server_preferred_order false).
     */
    @Test
    void offersExactlyMozillaIntermediate() throws Exception {
        SSLContext client = TrustAll.context();
        List<String> known = List.of(client.getSupportedSSLParameters().getCipherSuites());
        List<String> knownGroups = List.of(client.getSupportedSSLParameters().getNamedGroups());
        Set<String> accepted12 = new TreeSet<>();
        for (String keyType : List.of("ec", "rsa")) {
            Path key = dir.resolve(keyType + ".key"), cert = dir.resolve(keyType + ".pem");
            openssl("req", "-x509", "-newkey", keyType.equals("ec") ? "ec" : "rsa", "-pkeyopt",
                    keyType.equals("ec") ? "ec_paramgen_curve:P-256" : "rsa_keygen_bits:2048", "-nodes", "-days", "30",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-keyout", key.toString(), "-out", cert.toString());
            TestServer server = TestServer.start(Map.of("tls.certificate", cert.toString(), "tls.private_key", key.toString()));
            try {
                for (int port : List.of(server.port("imaps"), server.server().web().tlsPort())) {
                    String where = keyType + " certificate, port " + port;
                    for (String suite : known) {
                        if (TLS13_SUITES.contains(suite) || suite.endsWith("_SCSV")) continue;
                        if (handshake(client, port, "TLSv1.2", List.of(suite), null) != null) accepted12.add(suite);
                    }
                    for (String suite : TLS13_SUITES) {
                        assertThat(handshake(client, port, "TLSv1.3", List.of(suite), null)).as(where).isEqualTo(suite);
                    }
                    Set<String> groups = new TreeSet<>();
                    for (String group : knownGroups) {
                        if (handshake(client, port, "TLSv1.3", TLS13_SUITES, group) != null) groups.add(group);
                    }
                    assertThat(groups).as(where).isEqualTo(new TreeSet<>(GROUPS.stream().filter(knownGroups::contains).toList()));
                    // The client's first choice wins, not the server's list order.
                    assertThat(handshake(client, port, "TLSv1.3", List.of("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256"), null))
                            .as(where).isEqualTo("TLS_AES_256_GCM_SHA384");
                    String sig = keyType.equals("ec") ? "ECDSA" : "RSA";
                    String chacha = "TLS_ECDHE_" + sig + "_WITH_CHACHA20_POLY1305_SHA256", aes = "TLS_ECDHE_" + sig + "_WITH_AES_128_GCM_SHA256";
                    assertThat(handshake(client, port, "TLSv1.2", List.of(chacha, aes), null)).as(where).isEqualTo(chacha);
                    for (String old : List.of("-tls1", "-tls1_1")) {
                        Processes.Result r = Processes.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, old,
                                "-cipher", "ALL:@SECLEVEL=0"), new byte[0]);
                        assertThat(r.exitCode()).as(where + " " + old + ": " + r.output()).isNotZero();
                    }
                }
            } finally {
                server.closeAndDelete();
            }
        }
        assertThat(accepted12).isEqualTo(new TreeSet<>(TLS12_SUITES));
    }

    /** The suite a handshake offering only these settings agrees on, or null if the server refuses it. */
    private static String handshake(SSLContext client, int port, String protocol, List<String> suites, String group) {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(10_000);
            SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(plain, "localhost", port, true);
            SSLParameters p = tls.getSSLParameters();
            p.setProtocols(new String[] {protocol});
            p.setCipherSuites(suites.toArray(String[]::new));
            if (group != null) p.setNamedGroups(new String[] {group});
            tls.setSSLParameters(p);
            tls.startHandshake();
            return tls.getSession().getCipherSuite();
        } catch (IOException refused) {
            return null;
        }
    }

    private void openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(cmd, new byte[0]);
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /**
     * testssl 3.0 rates any TLS 1.2 server that lets the client pick the suite HIGH, whatever the
     * suites; Mozilla's intermediate profile lets the client pick on purpose, since every suite in it is
     * AEAD with forward secrecy (offersExactlyMozillaIntermediate checks they are) and a client without
     * AES instructions knows to ask for ChaCha20 (testssl/testssl.sh#1311 and #1644 discuss the gap).
     * That one finding is the profile, not a weakness.
     */
    private static boolean clientChoosesOnPurpose(JsonNode finding) {
        return finding.path("id").asText().equals("cipher_order") && finding.path("finding").asText().equals("NOT a cipher order configured");
    }

    /** Runs testssl on a port in the background; the findings above LOW, as "port: SEVERITY id finding". */
    private CompletableFuture<List<String>> testssl(Path ca, String name, int port, String extra) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                Path json = dir.resolve(name + ".json");
                Processes.Result r = Processes.run(List.of("testssl", "--quiet", "--color", "0", "--warnings", "off",
                        "--openssl-timeout", "10", "--add-ca", ca.toString(), "--jsonfile", json.toString(),
                        "-p", "-s", "-f", "-P", "-U", extra, "localhost:" + port), new byte[0]);
                assertThat(Files.exists(json)).as("testssl wrote no report: " + r.output()).isTrue();
                List<String> out = new ArrayList<>();
                for (JsonNode f : new ObjectMapper().readTree(json.toFile())) {
                    if (ABOVE_LOW.contains(f.path("severity").asText()) && !clientChoosesOnPurpose(f)) {
                        out.add(name + ": " + f.path("severity").asText() + " " + f.path("id").asText() + " " + f.path("finding").asText());
                    }
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, Thread::startVirtualThread);
    }
}
