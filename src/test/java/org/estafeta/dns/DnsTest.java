package org.estafeta.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.estafeta.testing.TestDns;
import org.junit.jupiter.api.Test;

class DnsTest {

    @Test
    void txtStringsAreJoinedAndAbsentNamesDifferFromAbsentRecords() throws Exception {
        try (TestDns server = new TestDns()) {
            server.add("ejemplo.es. 300 IN TXT \"v=spf1 \" \"-all\"")
                    .add("ejemplo.es. 300 IN A 192.0.2.1")
                    .add("solo-a.ejemplo.es. 300 IN A 192.0.2.2");
            Dns dns = new Dns(List.of(server.address()), Duration.ofSeconds(2));
            assertThat(dns.txt("ejemplo.es").records()).containsExactly("v=spf1 -all");
            assertThat(dns.a("ejemplo.es").records()).containsExactly(InetAddress.getByName("192.0.2.1"));
            Dns.Answer<String> noData = dns.txt("solo-a.ejemplo.es");
            assertThat(noData.isEmpty()).isTrue();
            assertThat(noData.nameExists()).isTrue();
            assertThat(dns.txt("nadie.ejemplo.es").nameExists()).isFalse();
            assertThat(dns.txt("not a..valid name").nameExists()).isFalse();
        }
    }

    @Test
    void answersAreCachedForTheirTtl() throws Exception {
        Dns dns;
        try (TestDns server = new TestDns()) {
            server.add("cacheado.es. 3600 IN TXT \"hola\"");
            dns = new Dns(List.of(server.address()), Duration.ofMillis(500));
            assertThat(dns.txt("cacheado.es").records()).containsExactly("hola");
        }
        // The server is gone: only the cache can answer.
        assertThat(dns.txt("cacheado.es").records()).containsExactly("hola");
        assertThatThrownBy(() -> dns.txt("otro.es")).isInstanceOf(Dns.TemporaryFailure.class);
    }

    @Test
    void servfailAndTimeoutAreTemporaryFailures() throws Exception {
        try (TestDns server = new TestDns()) {
            server.servfail("roto.es.");
            Dns dns = new Dns(List.of(server.address()), Duration.ofSeconds(2));
            assertThatThrownBy(() -> dns.txt("roto.es")).isInstanceOf(Dns.TemporaryFailure.class);
        }
        Dns silent = new Dns(List.of("127.0.0.1:9"), Duration.ofMillis(300));
        assertThatThrownBy(() -> silent.mx("ejemplo.es")).isInstanceOf(Dns.TemporaryFailure.class);
    }

    @Test
    void mailHostsByPreferenceAndNullMx() throws Exception {
        try (TestDns server = new TestDns()) {
            server.add("destino.es. 60 IN MX 20 mx2.destino.es.").add("destino.es. 60 IN MX 10 mx1.destino.es.")
                    .add("nulo.es. 60 IN MX 0 .").add("implicito.es. 60 IN A 192.0.2.9");
            MxResolver mx = new MxResolver(new Dns(List.of(server.address()), Duration.ofSeconds(2)));
            assertThat(mx.mailHosts("destino.es")).containsExactly("mx1.destino.es", "mx2.destino.es");
            assertThat(mx.mailHosts("implicito.es")).containsExactly("implicito.es");
            assertThatThrownBy(() -> mx.mailHosts("nulo.es")).isInstanceOf(MxResolver.DnsFailure.class)
                    .matches(f -> ((MxResolver.DnsFailure) f).permanent && ((MxResolver.DnsFailure) f).status.equals("5.1.10"));
        }
    }
}
