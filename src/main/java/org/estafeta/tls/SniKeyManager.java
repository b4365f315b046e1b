package org.estafeta.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks the server's certificate per handshake: the one naming the host the client asked for by SNI
 * (RFC 6066 §3), else the default. It reads the {@link ServerCertificates}' current set on every
 * handshake, so a reloaded or renewed certificate is served by the next one without a restart.
 *
 * <p>The JDK asks for an alias first and for its key and chain afterwards; a reload may come in
 * between, so an alias names one certificate for good (its identity), and the certificates that a
 * reload replaced stay reachable until the reload after it.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private final ServerCertificates certificates;
    /** Alias → identity, for the current set and the one before it. */
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();

    SniKeyManager(ServerCertificates certificates) {
        this.certificates = certificates;
    }

    /** Called by the certificates when their set changes: aliases of the set before the previous are forgotten. */
    void replaced(List<CertifiedKey> previous, List<CertifiedKey> current) {
        byAlias.values().removeIf(k -> !previous.contains(k) && !current.contains(k));
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        if (engine == null) return choose(keyType, null, null);
        return choose(keyType, engine.getHandshakeSession(), engine.getHandshakeApplicationProtocol());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        if (!(socket instanceof SSLSocket tls)) return choose(keyType, null, null);
        return choose(keyType, tls.getHandshakeSession(), tls.getHandshakeApplicationProtocol());
    }

    /**
     * The ALPN protocol is chosen before the certificate (the JDK consumes the ClientHello's
     * extensions first), so a validation handshake (RFC 8737 §3) is known here: it gets the challenge
     * certificate for its name, or none at all.
     */
    private String choose(String keyType, SSLSession handshake, String alpn) {
        String host = requestedHost(handshake);
        CertifiedKey chosen = TlsAlpnChallenges.PROTOCOL.equals(alpn) ? certificates.tlsAlpnChallenge(host, keyType)
                : certificates.select(host, keyType);
        if (chosen == null) return null;
        String alias = alias(chosen);
        byAlias.putIfAbsent(alias, chosen);
        return alias;
    }

    private static String alias(CertifiedKey key) {
        return "k" + Integer.toHexString(System.identityHashCode(key)) + "-" + key.leaf().getSerialNumber().toString(16);
    }

    private static String requestedHost(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) return null;
        for (var name : extended.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) return host.getAsciiName();
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey k = byAlias.get(alias);
        return k == null ? null : k.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey k = byAlias.get(alias);
        return k == null ? null : k.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return byAlias.keySet().toArray(String[]::new);
    }

    // The server never authenticates as a TLS client with these.

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
