package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The SRS0 addresses forwards leave with, and the bounces that come back to them. */
class SrsTest {

    private static final byte[] SECRET = "a secret of the server".getBytes(StandardCharsets.UTF_8);
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private static Srs at(Instant when) {
        return new Srs(SECRET, "servidor.es", Clock.fixed(when, ZoneOffset.UTC));
    }

    @Test
    void aForwardReversesToItsSender() {
        String srs = at(NOW).forward("Pepe@Pepito.es");
        assertThat(srs).matches("SRS0=[A-Za-z0-9_-]{4}=[A-Z2-7]{2}=Pepito\\.es=Pepe@servidor\\.es");
        assertThat(at(NOW).reverse(srs)).isEqualTo("Pepe@Pepito.es");
        assertThat(at(NOW).claims(srs)).isTrue();
    }

    @Test
    void anAddressLowerCasedOnTheWayBackStillReverses() {
        String srs = at(NOW).forward("pepe@pepito.es");
        String hash = srs.substring(5, 9);
        assertThat(hash).as("this sender's hash has upper case to lose").isNotEqualTo(hash.toLowerCase(Locale.ROOT));
        assertThat(at(NOW).reverse(srs.toLowerCase(Locale.ROOT))).isEqualTo("pepe@pepito.es");
        assertThat(at(NOW).reverse(srs.toUpperCase(Locale.ROOT))).isEqualTo("PEPE@PEPITO.ES");
    }

    @Test
    void aForgedAlteredOrExpiredAddressIsNobody() {
        String srs = at(NOW).forward("pepe@pepito.es");
        assertThat(at(NOW).reverse(srs.replaceFirst("SRS0=[^=]{4}", "SRS0=AAAA"))).isNull();
        assertThat(at(NOW).reverse(srs.replace("=pepe@", "=admin@"))).isNull();
        assertThat(at(NOW).reverse(srs.replace("@servidor.es", "@otro.es"))).isNull();
        assertThat(at(NOW.plus(Duration.ofDays(Srs.MAX_AGE_DAYS))).reverse(srs)).isEqualTo("pepe@pepito.es");
        assertThat(at(NOW.plus(Duration.ofDays(Srs.MAX_AGE_DAYS + 1))).reverse(srs)).isNull();
        assertThat(at(NOW).reverse("SRS0=x@servidor.es")).isNull();
    }
}
