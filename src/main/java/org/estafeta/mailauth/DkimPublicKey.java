package org.estafeta.mailauth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

/**
 * A key record published at {@code selector._domainkey.domain} (RFC 6376 §3.6.1) as far as checking
 * needs it.
 *
 * @param strictIdentity {@code t=s}: the i= domain must be d= itself, not a subdomain
 */
record DkimPublicKey(DkimAlgorithm algorithm, PublicKey key, boolean strictIdentity) {

    /** Shortest RSA key a verifier accepts (RFC 8301 §3.2). */
    static final int MIN_RSA_BITS = 1024;

    /** Why a record cannot be used; the signature's result is then permerror. */
    static final class Unusable extends Exception {
        Unusable(String message) {
            super(message, null, false, false);
        }
    }

    /** The ASN.1 prefix that makes a raw 32-byte Ed25519 key (RFC 8463 §4) a SubjectPublicKeyInfo. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** The ASN.1 prefix of an RSA SubjectPublicKeyInfo, up to the BIT STRING holding the PKCS#1 key. */
    private static final byte[] RSA_ALGORITHM_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    static DkimPublicKey parse(String record) throws Unusable {
        Map<String, String> tags;
        try {
            tags = TagList.parse(record);
        } catch (TagList.Malformed e) {
            throw new Unusable("key record: " + e.getMessage());
        }
        String v = tags.get("v");
        if (v != null && (!v.equals("DKIM1") || !tags.keySet().iterator().next().equals("v"))) throw new Unusable("key record: bad v=");
        String k = tags.getOrDefault("k", "rsa");
        DkimAlgorithm algorithm = DkimAlgorithm.ofKeyType(k);
        if (algorithm == null) throw new Unusable("key type " + TagList.clip(k) + " not supported");
        String h = tags.get("h");
        if (h != null && Arrays.stream(h.split(":")).map(TagList::trim).noneMatch("sha256"::equalsIgnoreCase)) {
            throw new Unusable("key does not allow sha256");
        }
        String s = tags.get("s");
        if (s != null && Arrays.stream(s.split(":")).map(TagList::trim).noneMatch(t -> t.equals("*") || t.equalsIgnoreCase("email"))) {
            throw new Unusable("key is not for email");
        }
        String p = tags.get("p");
        if (p == null) throw new Unusable("key record without p=");
        p = TagList.withoutFws(p);
        if (p.isEmpty()) throw new Unusable("key revoked");
        boolean strict = tags.containsKey("t") && Arrays.stream(tags.get("t").split(":")).map(TagList::trim).anyMatch("s"::equals);
        try {
            return new DkimPublicKey(algorithm, decode(algorithm, Base64.getDecoder().decode(p)), strict);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new Unusable("key record: p= is not a valid " + algorithm.keyType + " key");
        }
    }

    private static PublicKey decode(DkimAlgorithm algorithm, byte[] der) throws GeneralSecurityException, Unusable {
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
            if (der.length != 32) throw new GeneralSecurityException("Ed25519 key is not 32 bytes");
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, der)));
        }
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        PublicKey key;
        try {
            key = rsa.generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            // Some publish the bare PKCS#1 RSAPublicKey (RFC 6376 §3.6.1 allows either in practice).
            key = rsa.generatePublic(new X509EncodedKeySpec(spki(der)));
        }
        if (((RSAPublicKey) key).getModulus().bitLength() < MIN_RSA_BITS) throw new Unusable("RSA key shorter than " + MIN_RSA_BITS + " bits");
        return key;
    }

    /** Wraps a PKCS#1 RSAPublicKey into a SubjectPublicKeyInfo. */
    private static byte[] spki(byte[] pkcs1) {
        byte[] bitString = concat(new byte[] {0x03}, length(pkcs1.length + 1), new byte[] {0x00}, pkcs1);
        byte[] body = concat(RSA_ALGORITHM_ID, bitString);
        return concat(new byte[] {0x30}, length(body.length), body);
    }

    private static byte[] length(int n) {
        if (n < 128) return new byte[] {(byte) n};
        if (n < 256) return new byte[] {(byte) 0x81, (byte) n};
        return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /** The raw 32 bytes of an Ed25519 public key, as published in p= (RFC 8463 §4). */
    static byte[] rawEd25519(PublicKey key) {
        byte[] spki = key.getEncoded();
        return Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    }
}
