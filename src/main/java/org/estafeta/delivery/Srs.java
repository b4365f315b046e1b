package org.estafeta.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Sender Rewriting Scheme, as postsrsd and libsrs2 write it: a forwarded message leaves with
 * {@code SRS0=HHHH=TT=orig.domain=orig-local@our.domain}, so SPF at the next hop checks our domain,
 * and a bounce to that address finds its way back to the original sender. HHHH is an HMAC over the
 * rest (so nobody can use us as a bounce relay), TT the day, valid for {@link #MAX_AGE_DAYS}.
 */
final class Srs {

    /** libsrs2's default: bounces of a forward come within three weeks. */
    static final int MAX_AGE_DAYS = 21;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private final byte[] secret;
    private final String domain;
    private final Clock clock;

    Srs(byte[] secret, String domain, Clock clock) {
        this.secret = secret.clone();
        this.domain = domain;
        this.clock = clock;
    }

    /** The address a forward of mail from {@code sender} uses as its reverse-path. */
    String forward(String sender) {
        int at = sender.lastIndexOf('@');
        if (at < 0) return sender;
        String local = sender.substring(0, at), host = sender.substring(at + 1);
        String stamp = timestamp(day());
        return "SRS0=" + hash(stamp, host, local) + "=" + stamp + "=" + host + "=" + local + "@" + domain;
    }

    /** An SRS0 address in our domain, valid or not: a forged or expired one is nobody, not mail to relay. */
    boolean claims(String address) {
        int at = address.lastIndexOf('@');
        return at > 0 && address.regionMatches(true, 0, "SRS0=", 0, 5) && address.substring(at + 1).equalsIgnoreCase(domain);
    }

    /** The original sender of an SRS0 address of ours, or null when it is not one, forged, or too old. */
    String reverse(String address) {
        int at = address.lastIndexOf('@');
        if (at < 0 || !address.regionMatches(true, 0, "SRS0=", 0, 5)) return null;
        if (!address.substring(at + 1).equalsIgnoreCase(domain)) return null;
        String[] parts = address.substring(5, at).split("=", 4);
        if (parts.length != 4 || parts[1].length() != 2) return null;
        // Case-insensitively, as libsrs2 does: some servers lower-case a whole address on the way back,
        // hash included; it costs the 4-character hash about 3 of its 24 bits.
        if (!constantTimeEquals(hash(parts[1], parts[2], parts[3]).toLowerCase(Locale.ROOT), parts[0].toLowerCase(Locale.ROOT))) return null;
        long age = Math.floorMod(day() - untimestamp(parts[1]), 1024);
        if (age > MAX_AGE_DAYS) return null;
        return parts[3] + "@" + parts[2];
    }

    private long day() {
        return clock.millis() / 86_400_000L;
    }

    private static String timestamp(long day) {
        int t = (int) (day % 1024);
        return "" + BASE32.charAt(t >> 5) + BASE32.charAt(t & 31);
    }

    private static long untimestamp(String s) {
        String u = s.toUpperCase(Locale.ROOT);
        return (long) BASE32.indexOf(u.charAt(0)) << 5 | BASE32.indexOf(u.charAt(1));
    }

    private String hash(String stamp, String host, String local) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            // Case-insensitive like the addresses it protects (local parts are case-folded by most servers).
            byte[] h = mac.doFinal((stamp + host + local).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(h).substring(0, 4).replace('+', '_').replace('/', '-');
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
