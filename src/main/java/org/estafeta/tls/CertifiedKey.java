package org.estafeta.tls;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A private key with the certificate chain that certifies it (leaf first), as one TLS identity. */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {

    /** subjectAltName's type for a DNS name (RFC 5280 §4.2.1.6). */
    private static final int DNS_NAME = 2;

    public CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) throw new IllegalArgumentException("a certificate chain needs at least the leaf");
    }

    public X509Certificate leaf() {
        return chain.getFirst();
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The DNS names of the leaf's subjectAltName, lower case (the CN is not looked at: RFC 6125 §6.4.4). */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        try {
            var sans = leaf().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if ((Integer) san.get(0) == DNS_NAME) out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                }
            }
        } catch (CertificateParsingException e) {
            // a leaf without readable names serves only as the default
        }
        return out;
    }

    /** Whether the leaf names {@code host}, exactly or by a wildcard for one left-most label (RFC 6125 §6.4.3). */
    public boolean covers(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        for (String name : names()) {
            if (name.equals(h)) return true;
            if (name.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(name.substring(1))) return true;
        }
        return false;
    }
}
