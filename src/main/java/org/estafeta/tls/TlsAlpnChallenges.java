package org.estafeta.tls;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS-ALPN-01 challenges being validated now (RFC 8737): while an ACME order waits, the CA
 * connects to port 443 of a name offering only the ALPN protocol {@code acme-tls/1} and expects, for
 * that name (SNI), a self-signed certificate carrying the acmeIdentifier extension (§3). Filled by
 * the ACME order, read by {@link SniKeyManager} when a handshake negotiated {@code acme-tls/1}; no
 * ordinary certificate is ever shown on such a handshake, and no challenge certificate on any other.
 */
public final class TlsAlpnChallenges {

    /** RFC 8737 §6.2: the ALPN protocol of a validation handshake. */
    public static final String PROTOCOL = "acme-tls/1";
    /** What the HTTPS port speaks after an ordinary handshake. */
    private static final String HTTP_1_1 = "http/1.1";

    private final Map<String, CertifiedKey> byName = new ConcurrentHashMap<>();

    /** Answers validation handshakes for {@code name} with {@code certificate} until {@link #remove}. */
    public void put(String name, CertifiedKey certificate) {
        byName.put(name.toLowerCase(Locale.ROOT), certificate);
    }

    public void remove(String name) {
        byName.remove(name.toLowerCase(Locale.ROOT));
    }

    /** The challenge certificate for a validation handshake naming {@code host}, or null (the handshake then fails). */
    CertifiedKey forHost(String host) {
        return host == null ? null : byName.get(host.toLowerCase(Locale.ROOT));
    }

    /**
     * The ALPN choice of an HTTPS listener (an SSLEngine's handshake selector): {@code acme-tls/1}
     * when the client offers it (only a validating CA does, §3), http/1.1 when offered, else no ALPN
     * at all (the empty string), as before there was a selector.
     */
    public static String select(List<String> offered) {
        if (offered.contains(PROTOCOL)) return PROTOCOL;
        return offered.contains(HTTP_1_1) ? HTTP_1_1 : "";
    }
}
