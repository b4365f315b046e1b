package org.estafeta.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM-SHA-256 arithmetic (RFC 5802 §3, RFC 7677) and the stored form of its keys. Only the
 * StoredKey and ServerKey are kept: enough to check a client's proof, not enough to log in as the
 * user or to recover the password without guessing it through PBKDF2.
 */
public final class ScramSha256 {

    /**
     * PBKDF2 rounds for new keys. RFC 7677 §4 names 4096 as a floor, and at 4096 the stored keys were
     * far cheaper to guess than the Argon2id hash beside them (m=19 MiB, t=2, p=1 in PasswordHasher).
     * OWASP's Password Storage Cheat Sheet gives 600,000 rounds of PBKDF2-HMAC-SHA256 as the
     * equivalent of exactly that Argon2id setting, so a stolen database now costs an attacker about as
     * much per guess on either column. The price is paid once when a password is set (~0.2 s here) and
     * by the client at each SCRAM login; the server's check stays two HMACs. The count is stored with
     * each verifier and sent to the client (RFC 5802 §5.1 i=), so keys made at 4096 keep working
     * until the next password login renews them (ScramRenewal).
     */
    public static final int ITERATIONS = 600_000;
    private static final int SALT_BYTES = 16;
    private static final String PREFIX = "SCRAM-SHA-256$";

    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private ScramSha256() {
    }

    /** The salt, iteration count and keys of one password. */
    public record Keys(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

        /** RFC 5803 form: {@code SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}. */
        public String encode() {
            return PREFIX + iterations + ":" + B64.encodeToString(salt) + "$"
                    + B64.encodeToString(storedKey) + ":" + B64.encodeToString(serverKey);
        }

        /** The keys from their stored form, or null when it cannot be read. */
        public static Keys parse(String stored) {
            if (stored == null || !stored.startsWith(PREFIX)) return null;
            String[] halves = stored.substring(PREFIX.length()).split("\\$");
            if (halves.length != 2) return null;
            String[] left = halves[0].split(":"), right = halves[1].split(":");
            if (left.length != 2 || right.length != 2) return null;
            try {
                int iterations = Integer.parseInt(left[0]);
                if (iterations < 1) return null;
                return new Keys(B64D.decode(left[1]), iterations, B64D.decode(right[0]), B64D.decode(right[1]));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return "Keys[i=" + iterations + "]";
        }
    }

    /** New keys for {@code password} with a fresh salt. */
    public static Keys newKeys(String password, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return keys(password, salt, ITERATIONS);
    }

    public static Keys keys(String password, byte[] salt, int iterations) {
        byte[] salted = saltedPassword(password, salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        return new Keys(salt.clone(), iterations, sha256(clientKey), hmac(salted, "Server Key".getBytes(StandardCharsets.US_ASCII)));
    }

    /** SaltedPassword := Hi(Normalize(password), salt, i), Hi being PBKDF2 with HMAC-SHA-256. */
    static byte[] saltedPassword(String password, byte[] salt, int iterations) {
        try {
            SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            // PBEKeySpec takes chars and encodes them as UTF-8 for PBKDF2WithHmacSHA256.
            return f.generateSecret(new PBEKeySpec(saslPrep(password).toCharArray(), salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /**
     * SASLprep (RFC 4013) as far as passwords need it: non-ASCII spaces become U+0020, characters
     * "commonly mapped to nothing" go, then NFKC. Prohibited-character and bidi checks are left out:
     * they can only refuse a password, never change the keys of one that is accepted.
     */
    static String saslPrep(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == 0x00AD || c == 0x034F || c == 0x1806 || (c >= 0x180B && c <= 0x180D) || (c >= 0x200B && c <= 0x200D)
                    || c == 0x2060 || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF) {
                continue;
            }
            boolean nonAsciiSpace = c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F
                    || c == 0x205F || c == 0x3000;
            sb.appendCodePoint(nonAsciiSpace ? ' ' : c);
        }
        return Normalizer.normalize(sb, Normalizer.Form.NFKC);
    }
}
