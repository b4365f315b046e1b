package org.estafeta.tls.acme;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The renewal's plan: which names, when to retry after failures. */
class AcmeRenewalTest {

    @Test
    void namesAreTheHostAndTheServiceNamesOfEachPublicDomain() {
        assertThat(AcmeRenewal.names("MX.Example.org", List.of("localhost", "example.org", "otro.example")))
                .containsExactly("mx.example.org", "mail.example.org", "autoconfig.example.org", "mta-sts.example.org",
                        "mail.otro.example", "autoconfig.otro.example", "mta-sts.otro.example");
        assertThat(AcmeRenewal.names("localhost", List.of("localhost"))).as("nothing a public CA could validate").isEmpty();
        assertThat(AcmeRenewal.names("mailhost", List.of())).as("a single label is not a public name").isEmpty();
    }

    @Test
    void retriesBackOffFromAMinuteToSixHours() {
        assertThat(AcmeRenewal.pause(1)).isEqualTo(Duration.ofMinutes(1));
        assertThat(AcmeRenewal.pause(2)).isEqualTo(Duration.ofMinutes(2));
        assertThat(AcmeRenewal.pause(5)).isEqualTo(Duration.ofMinutes(16));
        assertThat(AcmeRenewal.pause(9)).isEqualTo(Duration.ofMinutes(256));
        assertThat(AcmeRenewal.pause(10)).isEqualTo(Duration.ofHours(6));
        assertThat(AcmeRenewal.pause(1000)).isEqualTo(Duration.ofHours(6));
    }
}
