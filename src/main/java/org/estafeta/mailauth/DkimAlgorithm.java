package org.estafeta.mailauth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The signing algorithms we sign and verify with: rsa-sha256 (RFC 6376 §3.3.2) and ed25519-sha256
 * (RFC 8463 §3: PureEdDSA over the SHA-256 hash of the header data). rsa-sha1 is not accepted for
 * verification (RFC 8301 §3.1).
 */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    /** The {@code a=} tag value. */
    final String tag;
    /** The key record's {@code k=} value. */
    final String keyType;

    DkimAlgorithm(String tag, String keyType) {
        this.tag = tag;
        this.keyType = keyType;
    }

    static DkimAlgorithm ofTag(String a) {
        for (DkimAlgorithm alg : values()) if (alg.tag.equalsIgnoreCase(a)) return alg;
        return null;
    }

    static DkimAlgorithm ofKeyType(String k) {
        for (DkimAlgorithm alg : values()) if (alg.keyType.equalsIgnoreCase(k)) return alg;
        return null;
    }

    byte[] sign(PrivateKey key, byte[] headerData) throws GeneralSecurityException {
        Signature s = signature();
        s.initSign(key);
        s.update(input(headerData));
        return s.sign();
    }

    boolean verify(PublicKey key, byte[] headerData, byte[] signature) throws GeneralSecurityException {
        Signature s = signature();
        s.initVerify(key);
        s.update(input(headerData));
        return s.verify(signature);
    }

    private Signature signature() throws GeneralSecurityException {
        return Signature.getInstance(this == RSA_SHA256 ? "SHA256withRSA" : "Ed25519");
    }

    /** RSA hashes the data inside the signature; Ed25519 signs the hash (RFC 8463 §3). */
    private byte[] input(byte[] headerData) throws GeneralSecurityException {
        return this == RSA_SHA256 ? headerData : MessageDigest.getInstance("SHA-256").digest(headerData);
    }
}
