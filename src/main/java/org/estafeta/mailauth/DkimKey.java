package org.estafeta.mailauth;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** One signing key of a domain: the selector it is published under and the key pair. */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, PublicKey publicKey) {

    /** The name the key record is published at (RFC 6376 §3.6.2.1). */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The key record's text (RFC 6376 §3.6.1; RFC 8463 §4 for the raw Ed25519 key). */
    public String recordText() {
        byte[] p = algorithm == DkimAlgorithm.ED25519_SHA256 ? DkimPublicKey.rawEd25519(publicKey) : publicKey.getEncoded();
        return "v=DKIM1; k=" + algorithm.keyType + "; p=" + Base64.getEncoder().encodeToString(p);
    }

    /** The record as a zone file line; TXT strings are at most 255 bytes, so a long RSA key is split. */
    public String zoneLine() {
        String text = recordText();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 255) parts.add('"' + text.substring(i, Math.min(text.length(), i + 255)) + '"');
        return recordName() + ". IN TXT " + String.join(" ", parts);
    }

    public String algorithmName() {
        return algorithm.keyType;
    }
}
