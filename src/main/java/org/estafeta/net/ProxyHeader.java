package org.estafeta.net;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The PROXY protocol header (HAProxy's proxy-protocol.txt, versions 1 and 2) that a load balancer sends
 * before anything else, naming the client it accepted the connection from. It is read octet by octet
 * exactly as far as it goes, never further: what follows belongs to the session (or to the TLS handshake
 * on an implicit-TLS port), and a read-ahead would swallow it.
 *
 * @param client the client behind the proxy; null when the header says to keep the connection's own
 *               address (a v2 LOCAL command: the proxy's health check; v1 UNKNOWN; v2 UNSPEC or UNIX)
 */
public record ProxyHeader(InetSocketAddress client) {

    /** proxy-protocol.txt §2.2: the v2 signature, chosen so that no text protocol reads it as a command. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    /** §2.1: the longest v1 line, "PROXY TCP6 " + two full IPv6 addresses + two ports + CRLF. */
    static final int V1_MAX = 107;
    /** §2.2: the address block sizes for AF_INET, AF_INET6 and AF_UNIX. */
    private static final int INET_BLOCK = 12, INET6_BLOCK = 36, UNIX_BLOCK = 216;

    /** A header that is missing, malformed or not one we take; the connection is closed. */
    public static final class Invalid extends IOException {
        Invalid(String reason) {
            super(reason);
        }
    }

    /**
     * Reads one header (v1 or v2, told apart by the first octet) from {@code in}. A v2 header is at most
     * 16 + 65535 octets by its own length field; what lies past the address block (TLVs) is skipped
     * unread into the heap.
     */
    public static ProxyHeader read(InputStream in) throws IOException {
        int first = in.read();
        if (first < 0) throw new Invalid("closed before a PROXY header");
        if (first == V2_SIGNATURE[0]) return readV2(in);
        if (first == V1_PREFIX[0]) return readV1(in);
        throw new Invalid("no PROXY header");
    }

    private static ProxyHeader readV2(InputStream in) throws IOException {
        byte[] fixed = new byte[16];
        fixed[0] = V2_SIGNATURE[0];
        readFully(in, fixed, 1, 15);
        if (!Arrays.equals(fixed, 0, 12, V2_SIGNATURE, 0, 12)) throw new Invalid("bad PROXY v2 signature");
        int version = (fixed[12] & 0xF0) >> 4, command = fixed[12] & 0x0F;
        int family = (fixed[13] & 0xF0) >> 4, transport = fixed[13] & 0x0F;
        int length = ((fixed[14] & 0xFF) << 8) | (fixed[15] & 0xFF);
        if (version != 2) throw new Invalid("PROXY v2 header of version " + version);
        if (command > 1) throw new Invalid("PROXY v2 command " + command);
        // A stream service: a datagram (UDP) header cannot describe this connection.
        if (transport > 1) throw new Invalid("PROXY v2 transport " + transport);
        int block = switch (family) {
            case 0 -> 0;
            case 1 -> INET_BLOCK;
            case 2 -> INET6_BLOCK;
            case 3 -> UNIX_BLOCK;
            default -> throw new Invalid("PROXY v2 address family " + family);
        };
        // LOCAL and UNSPEC may carry no address at all; otherwise the block must fit in the length.
        if (command == 1 && length < block) throw new Invalid("PROXY v2 length " + length + " short of its address block " + block);
        byte[] addresses = new byte[Math.min(block, length)];
        readFully(in, addresses, 0, addresses.length);
        skip(in, length - addresses.length);
        // §2.2: LOCAL is the proxy speaking for itself (a health check): keep the real connection's address.
        if (command == 0) return new ProxyHeader(null);
        return switch (family) {
            case 1 -> new ProxyHeader(new InetSocketAddress(address(addresses, 0, 4), port(addresses, 8)));
            case 2 -> new ProxyHeader(new InetSocketAddress(address(addresses, 0, 16), port(addresses, 32)));
            // UNSPEC, or a UNIX socket path: nothing an IP rule can use; the connection's own address stands.
            default -> new ProxyHeader(null);
        };
    }

    private static ProxyHeader readV1(InputStream in) throws IOException {
        byte[] line = new byte[V1_MAX];
        line[0] = V1_PREFIX[0];
        int len = 1;
        while (true) {
            int b = in.read();
            if (b < 0) throw new Invalid("closed inside a PROXY v1 header");
            if (len == V1_MAX) throw new Invalid("PROXY v1 header longer than " + V1_MAX + " octets");
            line[len++] = (byte) b;
            if (b == '\n') break;
        }
        if (len < 2 || line[len - 2] != '\r') throw new Invalid("PROXY v1 header not ended by CRLF");
        if (!Arrays.equals(line, 0, V1_PREFIX.length, V1_PREFIX, 0, V1_PREFIX.length)) throw new Invalid("no PROXY header");
        String[] words = new String(line, V1_PREFIX.length, len - 2 - V1_PREFIX.length, StandardCharsets.US_ASCII).split(" ", -1);
        // §2.1: UNKNOWN may be followed by anything, which the receiver ignores.
        if (words[0].equals("UNKNOWN")) return new ProxyHeader(null);
        if (words.length != 5) throw new Invalid("PROXY v1 header of " + words.length + " fields");
        InetAddress source = switch (words[0]) {
            case "TCP4" -> literal(words[1], 4);
            case "TCP6" -> literal(words[1], 16);
            default -> throw new Invalid("PROXY v1 protocol not TCP4, TCP6 or UNKNOWN");
        };
        literal(words[2], source.getAddress().length);
        int sourcePort = v1Port(words[3]);
        v1Port(words[4]);
        return new ProxyHeader(new InetSocketAddress(source, sourcePort));
    }

    /** An address literal of the family the header named; parsed as text, never looked up in the DNS. */
    private static InetAddress literal(String text, int octets) throws Invalid {
        // §2.1: TCP4 addresses are dotted quads; the legacy short forms (127.1) are not taken.
        if (octets == 4 && text.chars().filter(c -> c == '.').count() != 3) throw new Invalid("PROXY v1 address not a dotted quad");
        try {
            InetAddress a = octets == 4 ? Inet4Address.ofLiteral(text) : Inet6Address.ofLiteral(text);
            // ofLiteral turns an IPv4-mapped IPv6 literal into an IPv4 address; TCP6 must name an IPv6 one.
            if (a.getAddress().length != octets) throw new Invalid("PROXY v1 address of the wrong family");
            return a;
        } catch (IllegalArgumentException e) {
            throw new Invalid("PROXY v1 address not a literal of its family");
        }
    }

    /** §2.1: a port is a decimal number 0..65535 without leading zeros. */
    private static int v1Port(String text) throws Invalid {
        if (text.isEmpty() || text.length() > 5 || (text.length() > 1 && text.charAt(0) == '0')) throw new Invalid("bad PROXY v1 port");
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) < '0' || text.charAt(i) > '9') throw new Invalid("bad PROXY v1 port");
        int port = Integer.parseInt(text);
        if (port > 65535) throw new Invalid("bad PROXY v1 port");
        return port;
    }

    private static InetAddress address(byte[] block, int from, int octets) throws Invalid {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(block, from, from + octets));
        } catch (java.net.UnknownHostException e) {
            throw new Invalid("PROXY v2 address of " + octets + " octets");
        }
    }

    private static int port(byte[] block, int at) {
        return ((block[at] & 0xFF) << 8) | (block[at + 1] & 0xFF);
    }

    private static void readFully(InputStream in, byte[] into, int from, int count) throws IOException {
        try {
            int n = in.readNBytes(into, from, count);
            if (n < count) throw new Invalid("closed inside a PROXY v2 header");
        } catch (EOFException e) {
            throw new Invalid("closed inside a PROXY v2 header");
        }
    }

    private static void skip(InputStream in, int count) throws IOException {
        byte[] scrap = new byte[Math.min(count, 512)];
        while (count > 0) {
            int n = in.read(scrap, 0, Math.min(count, scrap.length));
            if (n < 0) throw new Invalid("closed inside a PROXY v2 header");
            count -= n;
        }
    }
}
