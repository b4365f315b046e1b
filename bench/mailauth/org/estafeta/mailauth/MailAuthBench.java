package org.estafeta.mailauth;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.estafeta.dns.Dns;
import org.estafeta.testing.TestDns;

/**
 * Cost of DKIM per message: signing (Ed25519, RSA-2048) and verifying (keys from a loopback DNS,
 * then from the TTL cache) a 4 KiB message, single thread, messages per second.
 * Run: bench/mailauth.sh (compiles against target/classes and target/test-classes).
 */
public final class MailAuthBench {
    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit.\r\n".repeat(70);
        byte[] message = ("From: Ana <ana@bench.test>\r\nTo: b@x.test\r\nSubject: bench\r\nDate: Mon, 30 Nov 2026 10:00:00 +0000\r\n"
                + "Message-ID: <1@bench.test>\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        DkimKeys keys = new DkimKeys(Files.createTempDirectory("bench"));
        try (TestDns dns = new TestDns()) {
            for (DkimAlgorithm alg : DkimAlgorithm.values()) {
                DkimKey key = keys.generate("bench.test", alg, alg.keyType);
                dns.add(key.zoneLine().replace(" IN TXT", " 3600 IN TXT"));
                DkimVerifier verifier = new DkimVerifier(new Dns(List.of(dns.address()), Duration.ofSeconds(2)), Clock.systemUTC(), 5);
                String sig = DkimSigner.sign(List.of(key), new ByteArrayInputStream(message), Instant.now());
                byte[] signed = (sig + new String(message, StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
                rate(alg.keyType + " sign", seconds, () -> DkimSigner.sign(List.of(key), new ByteArrayInputStream(message), Instant.now()));
                rate(alg.keyType + " verify", seconds, () -> {
                    if (verifier.verify(new ByteArrayInputStream(signed)).getFirst().status() != DkimResult.Status.PASS) throw new AssertionError();
                    return null;
                });
            }
        }
    }

    interface Op {
        Object run() throws Exception;
    }

    private static void rate(String name, int seconds, Op op) throws Exception {
        for (int i = 0; i < 200; i++) op.run();
        long end = System.nanoTime() + seconds * 1_000_000_000L, n = 0, start = System.nanoTime();
        while (System.nanoTime() < end) {
            op.run();
            n++;
        }
        System.out.printf("%-16s %8.0f msg/s%n", name, n / ((System.nanoTime() - start) / 1e9));
    }
}
