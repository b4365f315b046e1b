package org.estafeta.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The SCRAM arithmetic against RFC 7677 §3's example, and the stored form. */
class ScramSha256Test {

    private static final Base64.Decoder B64D = Base64.getDecoder();

    @Test
    void rfc7677Example() {
        ScramSha256.Keys keys = ScramSha256.keys("pencil", B64D.decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO"
                + ",r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
                + ",c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        byte[] am = authMessage.getBytes(StandardCharsets.US_ASCII);
        // The client's proof from the RFC must verify against our StoredKey ...
        byte[] proof = B64D.decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] signature = ScramSha256.hmac(keys.storedKey(), am);
        byte[] clientKey = new byte[32];
        for (int i = 0; i < 32; i++) clientKey[i] = (byte) (proof[i] ^ signature[i]);
        assertThat(ScramSha256.sha256(clientKey)).isEqualTo(keys.storedKey());
        // ... and our server signature must be the RFC's.
        assertThat(Base64.getEncoder().encodeToString(ScramSha256.hmac(keys.serverKey(), am)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    }

    @Test
    void storedFormRoundTrips() {
        ScramSha256.Keys keys = ScramSha256.newKeys("contraseña", new SecureRandom());
        String stored = keys.encode();
        assertThat(stored).matches("SCRAM-SHA-256\\$600000:[A-Za-z0-9+/=]+\\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+");
        ScramSha256.Keys back = ScramSha256.Keys.parse(stored);
        assertThat(back.iterations()).isEqualTo(600_000);
        assertThat(back.salt()).isEqualTo(keys.salt());
        assertThat(back.storedKey()).isEqualTo(keys.storedKey());
        assertThat(back.serverKey()).isEqualTo(keys.serverKey());
        assertThat(ScramSha256.Keys.parse("$argon2id$v=19$m=19456,t=2,p=1$abc$def")).isNull();
        assertThat(ScramSha256.Keys.parse("SCRAM-SHA-256$x:abc$def:ghi")).isNull();
        assertThat(ScramSha256.Keys.parse(null)).isNull();
    }

    @Test
    void saslPrepMapsSpacesAndNormalises() {
        assertThat(ScramSha256.saslPrep("a\u00A0b\u00ADc")).isEqualTo("a bc");
        // NFKC: the ligature "ﬁ" becomes "fi"; a decomposed ñ is composed.
        assertThat(ScramSha256.saslPrep("\uFB01n")).isEqualTo("fin");
        assertThat(ScramSha256.saslPrep("contrasen\u0303a")).isEqualTo("contraseña");
    }
}
