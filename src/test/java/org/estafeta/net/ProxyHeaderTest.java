package org.estafeta.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HAProxy's proxy-protocol.txt, both versions, and what a header may not be. */
class ProxyHeaderTest {

    private static final String SIGNATURE = "0d0a0d0a000d0a515549540a";

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Reads a header and checks that exactly the header was consumed: the session's first octets remain. */
    private static ProxyHeader read(byte[] header) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(concat(header, "EHLO x\r\n".getBytes(StandardCharsets.US_ASCII)));
        ProxyHeader h = ProxyHeader.read(in);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("EHLO x\r\n");
        return h;
    }

    private static ProxyHeader readV1(String line) throws IOException {
        return read(line.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void v1Tcp4() throws IOException {
        assertThat(readV1("PROXY TCP4 192.0.2.7 192.0.2.1 40000 25\r\n").client())
                .isEqualTo(new InetSocketAddress("192.0.2.7", 40000));
    }

    @Test
    void v1Tcp6() throws IOException {
        assertThat(readV1("PROXY TCP6 2001:db8::7 2001:db8::1 65535 993\r\n").client())
                .isEqualTo(new InetSocketAddress("2001:db8::7", 65535));
    }

    @Test
    void v1UnknownKeepsTheConnectionsAddress() throws IOException {
        assertThat(readV1("PROXY UNKNOWN\r\n").client()).isNull();
        assertThat(readV1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n").client()).isNull();
    }

    @Test
    void v1LongestLineIsTaken() throws IOException {
        String longest = "PROXY UNKNOWN " + "x".repeat(ProxyHeader.V1_MAX - 16) + "\r\n";
        assertThat(longest).hasSize(ProxyHeader.V1_MAX);
        assertThat(readV1(longest).client()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "PROXY TCP4 192.0.2.7 192.0.2.1 40000 25",          // no line end at all: truncated
            "PROXY TCP4 192.0.2.7 192.0.2.1 40000 25\n",        // LF without CR
            "PROXY TCP4 192.0.2.7 192.0.2.1 40000\r\n",         // a field missing
            "PROXY TCP4 192.0.2.7 192.0.2.1 40000 25 1\r\n",    // a field too many
            "PROXY TCP4  192.0.2.7 192.0.2.1 40000 25\r\n",     // two spaces
            "PROXY TCP4 2001:db8::7 2001:db8::1 40000 25\r\n",  // the wrong family for TCP4
            "PROXY TCP6 192.0.2.7 192.0.2.1 40000 25\r\n",      // the wrong family for TCP6
            "PROXY TCP6 ::ffff:192.0.2.7 ::ffff:192.0.2.1 40000 25\r\n", // IPv4-mapped is IPv4
            "PROXY TCP4 127.1 192.0.2.1 40000 25\r\n",          // not a dotted quad
            "PROXY TCP4 mail.example 192.0.2.1 40000 25\r\n",   // a name, never looked up
            "PROXY TCP4 192.0.2.7 192.0.2.1 65536 25\r\n",      // port out of range
            "PROXY TCP4 192.0.2.7 192.0.2.1 040000 25\r\n",     // leading zero
            "PROXY TCP4 192.0.2.7 192.0.2.1 -1 25\r\n",         // not a number
            "PROXY UDP4 192.0.2.7 192.0.2.1 40000 25\r\n",      // not a stream
            "PROXY\r\n",                                        // nothing after the verb
            "PRAXY TCP4 192.0.2.7 192.0.2.1 40000 25\r\n",      // wrong word
            "EHLO client.example\r\n",                          // no header at all
            ""})                                                // closed at once
    void v1Malformed(String line) {
        assertThatThrownBy(() -> ProxyHeader.read(new ByteArrayInputStream(line.getBytes(StandardCharsets.US_ASCII))))
                .isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void v1OversizeStopsAtTheLimit() {
        // A line that never ends is not read beyond 107 octets.
        byte[] endless = ("PROXY UNKNOWN " + "x".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
        ByteArrayInputStream in = new ByteArrayInputStream(endless);
        assertThatThrownBy(() -> ProxyHeader.read(in)).isInstanceOf(ProxyHeader.Invalid.class).hasMessageContaining("longer than 107");
        assertThat(in.available()).isGreaterThanOrEqualTo(endless.length - ProxyHeader.V1_MAX - 1);
    }

    @Test
    void v2Tcp4WithTlvsSkipped() throws IOException {
        // PROXY, TCP/IPv4, length 12 + a 7-octet TLV (PP2_TYPE_AUTHORITY "mx.a.b" plus one)
        ProxyHeader h = read(hex(SIGNATURE + "21 11 0013 c0000209 c0000201 9c40 0019 02 0004 6d782e61"));
        assertThat(h.client()).isEqualTo(new InetSocketAddress("192.0.2.9", 40000));
    }

    @Test
    void v2Tcp6() throws IOException {
        ProxyHeader h = read(hex(SIGNATURE + "21 21 0024 20010db8000000000000000000000007 20010db8000000000000000000000001 9c40 03e1"));
        assertThat(h.client()).isEqualTo(new InetSocketAddress("2001:db8::7", 40000));
    }

    @Test
    void v2LocalIsAHealthCheck() throws IOException {
        assertThat(read(hex(SIGNATURE + "20 00 0000")).client()).isNull();
        // LOCAL may still carry addresses: they are ignored.
        assertThat(read(hex(SIGNATURE + "20 11 000c c0000209 c0000201 9c40 0019")).client()).isNull();
    }

    @Test
    void v2UnspecAndUnixKeepTheConnectionsAddress() throws IOException {
        assertThat(read(hex(SIGNATURE + "21 00 0000")).client()).isNull();
        assertThat(read(concat(hex(SIGNATURE + "21 31 00d8"), new byte[216])).client()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            SIGNATURE,                                                    // truncated after the signature
            SIGNATURE + "21 11 000c c0000209",                            // truncated inside the addresses
            SIGNATURE + "21 11 0010 c0000209 c0000201 9c40 0019",         // length promises a TLV that never comes
            "0d0a0d0a000d0a515549540b 21 11 000c c0000209 c0000201 9c40 0019", // wrong signature
            "0d0a0d0a",                                                   // a few CRLFs and the end
            SIGNATURE + "11 11 000c c0000209 c0000201 9c40 0019",         // version 1 in binary
            SIGNATURE + "22 11 000c c0000209 c0000201 9c40 0019",         // command 2
            SIGNATURE + "21 12 000c c0000209 c0000201 9c40 0019",         // DGRAM: not a stream
            SIGNATURE + "21 41 000c c0000209 c0000201 9c40 0019",         // family 4
            SIGNATURE + "21 11 0008 c0000209 c0000201",                   // length short of the IPv4 block
            SIGNATURE + "21 21 000c c0000209 c0000201 9c40 0019",         // length short of the IPv6 block
    })
    void v2Malformed(String header) {
        assertThatThrownBy(() -> ProxyHeader.read(new ByteArrayInputStream(hex(header)))).isInstanceOf(ProxyHeader.Invalid.class);
    }

    @Test
    void v2LongestHeaderIsReadAndSkipped() throws IOException {
        // The length field's largest value: 65535 octets after the fixed part, all read, none kept.
        byte[] rest = new byte[65535];
        byte[] fixedPart = hex(SIGNATURE + "21 11 ffff");
        System.arraycopy(hex("c0000209 c0000201 9c40 0019"), 0, rest, 0, 12);
        assertThat(read(concat(fixedPart, rest)).client()).isEqualTo(new InetSocketAddress("192.0.2.9", 40000));
    }
}
