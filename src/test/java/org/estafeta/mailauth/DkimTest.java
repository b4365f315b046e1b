package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.estafeta.dns.Dns;
import org.estafeta.testing.TestDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkimTest {

    static final String MESSAGE = """
            From: Ana <ana@ejemplo.es>\r
            To: Bruno <bruno@destino.es>\r
            Subject: Cena\r
            Date: Mon, 30 Nov 2026 10:00:00 +0000\r
            Message-ID: <1@ejemplo.es>\r
            MIME-Version: 1.0\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            ¿Cenamos   a las nueve?  \r
            \r
            \r
            """;

    /** RFC 8463 Appendix A.2's RSA key (also RFC 6376's example key). */
    static final String RFC8463_RSA = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";
    static final String RFC8463_ED25519 = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
    static final String SHORT_RSA = "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==";

    private TestDns server;
    private DkimVerifier verifier;

    @BeforeEach
    void start() throws Exception {
        server = new TestDns();
        verifier = new DkimVerifier(new Dns(List.of(server.address()), Duration.ofSeconds(2)), Clock.systemUTC(),
                DkimVerifier.DEFAULT_MAX_SIGNATURES);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** RFC 8463 Appendix A: the same message signed with Ed25519 (brisbane) and RSA (test). */
    @Test
    void rfc8463ExampleSignaturesVerify() throws Exception {
        server.add("brisbane._domainkey.football.example.com. 60 IN TXT \"" + RFC8463_ED25519 + "\"")
                .add("test._domainkey.football.example.com. 60 IN TXT \"" + RFC8463_RSA + "\"");
        String example = Files.readString(Path.of("src/test/resources/mailauth/rfc8463-example.eml")).replace("\n", "\r\n");
        assertThat(verify(example)).extracting(DkimResult::status, DkimResult::algorithm).containsExactly(
                tuple(DkimResult.Status.PASS, "ed25519-sha256"), tuple(DkimResult.Status.PASS, "rsa-sha256"));
        assertThat(verify(example.replace("We lost the game.", "We won the game.")))
                .extracting(DkimResult::status).containsOnly(DkimResult.Status.FAIL);
        assertThat(verify(example.replace("Subject: Is dinner ready?", "Subject: Is lunch ready?")))
                .extracting(DkimResult::status).containsOnly(DkimResult.Status.FAIL);
    }

    @Test
    void ourSignaturesVerifyAndTamperingFails(@TempDir Path data) throws Exception {
        DkimKeys keys = new DkimKeys(data);
        DkimKey ed = keys.generate("ejemplo.es", DkimAlgorithm.ED25519_SHA256, "nuevo");
        publish(ed);
        publish(keys.generate("ejemplo.es", DkimAlgorithm.RSA_SHA256, "viejo"));
        assertThat(Files.getPosixFilePermissions(data.resolve("dkim/ejemplo.es/nuevo.pem")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        // Two selectors at once (a key rotation): both sign, both verify.
        String signed = sign(keys.forDomain("ejemplo.es")) + MESSAGE;
        assertThat(verify(signed)).extracting(DkimResult::status, DkimResult::selector)
                .containsExactly(tuple(DkimResult.Status.PASS, "nuevo"), tuple(DkimResult.Status.PASS, "viejo"));
        // Relaxed canonicalization: whitespace changes and trailing empty lines do not matter.
        assertThat(verify(signed.replace("Subject: Cena", "Subject:   Cena ").replace("nueve?  \r\n", "nueve?\r\n\r\n\r\n")))
                .extracting(DkimResult::status).containsOnly(DkimResult.Status.PASS);
        assertThat(verify(signed.replace("nueve", "diez"))).extracting(DkimResult::reason).containsOnly("body hash did not verify");
        assertThat(verify(signed.replace("Subject: Cena", "Subject: Comida")))
                .extracting(DkimResult::reason).containsOnly("signature did not verify");
        // From is over-signed: a second From added on top breaks the signature.
        assertThat(verify("From: jefe@banco.es\r\n" + signed)).extracting(DkimResult::status).containsOnly(DkimResult.Status.FAIL);
        assertThat(keys.all()).hasSize(2);
        assertThat(ed.zoneLine()).startsWith("nuevo._domainkey.ejemplo.es. IN TXT \"v=DKIM1; k=ed25519; p=");
    }

    @Test
    void unsignedMessageIsNone() throws Exception {
        assertThat(verify(MESSAGE)).extracting(DkimResult::status).containsExactly(DkimResult.Status.NONE);
    }

    /** Hostile or broken input: each signature ends as permerror/temperror with a reason, never an exception. */
    @Test
    void badSignaturesAndKeysGiveErrorsNotExceptions(@TempDir Path data) throws Exception {
        DkimKey key = new DkimKeys(data).generate("ejemplo.es", DkimAlgorithm.ED25519_SHA256, "s1");
        publish(key);
        server.add("revocada._domainkey.ejemplo.es. 60 IN TXT \"v=DKIM1; k=ed25519; p=\"")
                .add("basura._domainkey.ejemplo.es. 60 IN TXT \"\\000\\255;;=p==;k\"")
                .add("corta._domainkey.ejemplo.es. 60 IN TXT \"" + SHORT_RSA + "\"")
                .add("extranjera._domainkey.ejemplo.es. 60 IN TXT \"v=DKIM1; k=dsa; p=AAAA\"")
                .servfail("caida._domainkey.ejemplo.es.");
        String good = sign(List.of(key));
        String[][] cases = {
                {good.replace("v=1;", "v=2;"), "signature version 2 not supported"},
                {good.replace("a=ed25519-sha256", "a=rsa-sha1"), "algorithm rsa-sha1 not supported"},
                {good.replace("a=ed25519-sha256", "a=gost-2012"), "algorithm gost-2012 not supported"},
                {good.replace("c=relaxed/relaxed", "c=loose"), "canonicalization loose not supported"},
                {good.replace("from:", ""), "h= does not include From"},
                {good.replace("; d=ejemplo.es", "; d=ejemplo.es; d=otro.es"), "signature: duplicate tag d"},
                {good.replace("; s=s1", "; s=s1; l=99999999999999999999999"), "l= is not a usable number"},
                {good.replace("; s=s1", "; s=s1; l=1000000"), "l= is longer than the body"},
                {good.replace("; s=s1", "; s=s1; i=ana@otro.es"), "i= is not within d="},
                {good.replace("; s=s1", "; s=s1; x=1000"), "x= before t="},
                {good.replaceAll("t=[0-9]+", "t=900").replace("; s=s1", "; s=s1; x=1000"), "signature expired"},
                {good.replace("; s=s1", "; s=s1; q=http"), "query method not supported"},
                {good.replace("bh=", "bh=!!!"), "bh= is not base64"},
                {good.replace("; s=s1", "; s=s1; garbage"), "signature: tag without '=': garbage"},
                {good.replace("s=s1", "s=nadie"), "no key for signature"},
                {good.replace("s=s1", "s=revocada"), "key revoked"},
                {good.replace("s=s1", "s=basura"), "key record: tag without '=': \u0000ÿ"},
                {good.replace("s=s1", "s=corta"), "key type does not match a="},
                {good.replace("s=s1", "s=extranjera"), "key type dsa not supported"},
                {good.replace("s=s1", "s=caida"), "key lookup failed"},
                {"DKIM-Signature: ;;;===\r\n", "signature: tag without '=': ==="},
        };
        for (String[] c : cases) {
            List<DkimResult> results = verify(c[0] + MESSAGE);
            assertThat(results).as(c[1]).hasSize(1);
            assertThat(results.getFirst().reason()).as(c[1]).isEqualTo(c[1]);
            assertThat(results.getFirst().status()).as(c[1])
                    .isEqualTo(c[1].equals("key lookup failed") ? DkimResult.Status.TEMPERROR : DkimResult.Status.PERMERROR);
        }
    }

    @Test
    void unusableKeyRecords() {
        assertThat(unusable(SHORT_RSA)).isEqualTo("RSA key shorter than 1024 bits");
        assertThat(unusable("v=DKIM1; k=ed25519; p=AAAA")).isEqualTo("key record: p= is not a valid ed25519 key");
        assertThat(unusable("k=rsa; v=DKIM1; p=AAAA")).isEqualTo("key record: bad v=");
        assertThat(unusable("v=DKIM1; k=ed25519; s=tlsrpt; p=AAAA")).isEqualTo("key is not for email");
        assertThat(unusable("v=DKIM1; h=sha1; p=AAAA")).isEqualTo("key does not allow sha256");
    }

    /** RFC 6376 §3.4.5's example, both ways, and the empty-body rules. */
    @Test
    void canonicalizationExample() throws Exception {
        HeaderField a = new HeaderField("A", "A: X"), b = new HeaderField("B", "B : Y\t\r\n\tZ  ");
        assertThat(Canonicalization.RELAXED.header(a) + Canonicalization.RELAXED.header(b)).isEqualTo("a:X\r\nb:Y Z\r\n");
        assertThat(Canonicalization.SIMPLE.header(b)).isEqualTo("B : Y\t\r\n\tZ  \r\n");
        String body = " C \r\nD \t E\r\n\r\n\r\n";
        assertThat(canon(Canonicalization.RELAXED, body)).isEqualTo(" C\r\nD E\r\n");
        assertThat(canon(Canonicalization.SIMPLE, body)).isEqualTo(" C \r\nD \t E\r\n");
        assertThat(canon(Canonicalization.SIMPLE, "")).isEqualTo("\r\n");
        assertThat(canon(Canonicalization.RELAXED, "\r\n\r\n")).isEmpty();
        assertThat(canon(Canonicalization.RELAXED, "sin fin")).isEqualTo("sin fin\r\n");
    }

    private static String canon(Canonicalization c, String body) throws Exception {
        var out = new ByteArrayOutputStream();
        var s = c.body(out);
        s.write(body.getBytes(StandardCharsets.ISO_8859_1));
        s.finish();
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String unusable(String record) {
        try {
            DkimPublicKey.parse(record);
            return "usable";
        } catch (DkimPublicKey.Unusable e) {
            return e.getMessage();
        }
    }

    private void publish(DkimKey key) throws Exception {
        server.add(key.zoneLine().replace(" IN TXT", " 60 IN TXT"));
    }

    static String sign(List<DkimKey> keys) throws Exception {
        return DkimSigner.sign(keys, new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)), Instant.now());
    }

    private List<DkimResult> verify(String message) throws Exception {
        return verifier.verify(new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)));
    }
}
