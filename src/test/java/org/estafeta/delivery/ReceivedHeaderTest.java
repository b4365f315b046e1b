package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class ReceivedHeaderTest {

    /** Issue 16: the webmail wrote {@code ([[0:0:0:0:0:0:0:1]])}; RFC 5321 §4.1.3 wants {@code [IPv6:::1]}. */
    @Test
    void addressLiteralsFollowRfc5321AndRfc5952() throws Exception {
        assertThat(ReceivedHeader.addressLiteral(InetAddress.ofLiteral("::1"))).isEqualTo("[IPv6:::1]");
        assertThat(ReceivedHeader.addressLiteral(InetAddress.ofLiteral("2001:db8:0:0:1:0:0:1"))).isEqualTo("[IPv6:2001:db8::1:0:0:1]");
        assertThat(ReceivedHeader.addressLiteral(InetAddress.ofLiteral("2001:db8:1:2:3:4:5:0"))).isEqualTo("[IPv6:2001:db8:1:2:3:4:5:0]");
        assertThat(ReceivedHeader.addressLiteral(InetAddress.ofLiteral("fe80::"))).isEqualTo("[IPv6:fe80::]");
        assertThat(ReceivedHeader.addressLiteral(InetAddress.ofLiteral("127.0.0.1"))).isEqualTo("[127.0.0.1]");
    }

    @Test
    void webmailTraceNamesHttpsTheLoginAndTheIpv6Client() throws Exception {
        var account = new org.estafeta.store.Account(1, "ana@example.test", "x", false, false);
        String trace = ReceivedHeader.trace("ana@example.test", Channel.webmail(InetAddress.ofLiteral("::1"), true, account),
                "mx.example.test", "ID1", "bob@example.test", ZonedDateTime.of(2026, 11, 30, 10, 0, 0, 0, ZoneOffset.UTC));
        assertThat(trace).isEqualTo("Return-Path: <ana@example.test>\r\nReceived: from webmail ([IPv6:::1])\r\n"
                + "\t(Authenticated sender: ana@example.test)\r\n\tby mx.example.test (Estafeta) with HTTPS id ID1\r\n"
                + "\tfor <bob@example.test>; Mon, 30 Nov 2026 10:00:00 +0000\r\n");
    }

    @Test
    void srsAddressesRoundTripAndExpire() {
        byte[] key = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Instant now = Instant.parse("2026-11-30T10:00:00Z");
        Srs srs = new Srs(key, "mx.example.test", Clock.fixed(now, ZoneOffset.UTC));
        String forwarded = srs.forward("pepe@pepito.es");
        assertThat(forwarded).endsWith("=pepito.es=pepe@mx.example.test");
        assertThat(srs.reverse(forwarded)).isEqualTo("pepe@pepito.es");
        assertThat(srs.claims(forwarded.replaceFirst("SRS0=[^=]{4}", "SRS0=AAAA"))).isTrue();
        assertThat(srs.reverse(forwarded.replaceFirst("SRS0=[^=]{4}", "SRS0=AAAA"))).isNull();
        assertThat(new Srs("other key".getBytes(), "mx.example.test", Clock.fixed(now, ZoneOffset.UTC)).reverse(forwarded)).isNull();
        Srs later = new Srs(key, "mx.example.test", Clock.fixed(now.plusSeconds(86_400L * (Srs.MAX_AGE_DAYS + 1)), ZoneOffset.UTC));
        assertThat(later.reverse(forwarded)).isNull();
    }
}
