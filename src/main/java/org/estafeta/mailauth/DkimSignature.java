package org.estafeta.mailauth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed DKIM-Signature field (RFC 6376 §3.5), checked as §6.1.1 asks before any key is fetched.
 *
 * @param signedHeaders the h= names, lower case, in order
 * @param length        l=, or -1 when the whole body is signed
 * @param expires       x= in seconds since the epoch, or -1
 */
record DkimSignature(HeaderField field, DkimAlgorithm algorithm, Canonicalization headerCanon, Canonicalization bodyCanon,
                     String domain, String selector, String identity, List<String> signedHeaders,
                     byte[] bodyHash, byte[] signature, long length, long expires) {

    /** The field cannot be used; its result is permerror with this reason. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** What the result names even when the rest is broken (d=, s=, a= as written). */
    record Names(String domain, String selector, String algorithm) {
        static Names of(HeaderField field) {
            try {
                Map<String, String> tags = TagList.parse(field.value());
                return new Names(tags.get("d"), tags.get("s"), tags.get("a"));
            } catch (TagList.Malformed e) {
                return new Names(null, null, null);
            }
        }
    }

    static DkimSignature parse(HeaderField field, long nowSeconds) throws Invalid {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value());
        } catch (TagList.Malformed e) {
            throw new Invalid("signature: " + e.getMessage());
        }
        for (String required : List.of("v", "a", "b", "bh", "d", "h", "s")) {
            if (!tags.containsKey(required)) throw new Invalid("signature without " + required + "=");
        }
        if (!tags.get("v").equals("1")) throw new Invalid("signature version " + TagList.clip(tags.get("v")) + " not supported");
        DkimAlgorithm algorithm = DkimAlgorithm.ofTag(tags.get("a"));
        if (algorithm == null) throw new Invalid("algorithm " + TagList.clip(tags.get("a")) + " not supported");
        Canonicalization[] canon = Canonicalization.parse(tags.get("c"));
        if (canon == null) throw new Invalid("canonicalization " + TagList.clip(tags.get("c")) + " not supported");
        String domain = tags.get("d").toLowerCase(Locale.ROOT);
        String selector = tags.get("s");
        if (domain.isEmpty() || selector.isEmpty()) throw new Invalid("empty d= or s=");
        List<String> headers = new ArrayList<>();
        for (String h : tags.get("h").split(":", -1)) headers.add(TagList.trim(h).toLowerCase(Locale.ROOT));
        if (!headers.contains("from")) throw new Invalid("h= does not include From");
        if (headers.stream().anyMatch(String::isEmpty)) throw new Invalid("empty name in h=");
        String identity = tags.getOrDefault("i", "@" + domain);
        String identityDomain = identity.substring(identity.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        if (!identity.contains("@") || !(identityDomain.equals(domain) || identityDomain.endsWith("." + domain))) {
            throw new Invalid("i= is not within d=");
        }
        long length = number(tags.get("l"), "l");
        long timestamp = number(tags.get("t"), "t");
        long expires = number(tags.get("x"), "x");
        if (expires >= 0 && timestamp >= 0 && expires < timestamp) throw new Invalid("x= before t=");
        if (expires >= 0 && expires < nowSeconds) throw new Invalid("signature expired");
        if (tags.containsKey("q") && Arrays.stream(tags.get("q").split(":")).map(TagList::trim).noneMatch("dns/txt"::equalsIgnoreCase)) {
            throw new Invalid("query method not supported");
        }
        byte[] bodyHash = base64(tags.get("bh"), "bh");
        byte[] signature = base64(tags.get("b"), "b");
        if (signature.length == 0 || bodyHash.length != 32) throw new Invalid("b= or bh= has the wrong size");
        return new DkimSignature(field, algorithm, canon[0], canon[1], domain, selector, identity, List.copyOf(headers),
                bodyHash, signature, length, expires);
    }

    /** A decimal tag of at most 76 bits (§3.5 says "up to 76 bits"; a long holds what we can act on); -1 if absent. */
    private static long number(String value, String tag) throws Invalid {
        if (value == null) return -1;
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(Character::isDigit)) {
            throw new Invalid(tag + "= is not a usable number");
        }
        return Long.parseLong(value);
    }

    private static byte[] base64(String value, String tag) throws Invalid {
        try {
            return Base64.getDecoder().decode(TagList.withoutFws(value));
        } catch (IllegalArgumentException e) {
            throw new Invalid(tag + "= is not base64");
        }
    }

    /** The field as it is hashed: the value of b= removed, every other byte kept (§3.7). */
    HeaderField withoutSignature() {
        return new HeaderField(field.name(), withEmptyB(field.raw()));
    }

    /** Empties the b= tag's value in a raw DKIM-Signature field. */
    static String withEmptyB(String raw) {
        int colon = raw.indexOf(':');
        int start = colon + 1;
        while (start <= raw.length()) {
            int end = raw.indexOf(';', start);
            if (end < 0) end = raw.length();
            String spec = raw.substring(start, end);
            int eq = spec.indexOf('=');
            if (eq > 0 && TagList.trim(spec.substring(0, eq)).equals("b")) {
                return raw.substring(0, start + eq + 1) + raw.substring(end);
            }
            start = end + 1;
        }
        return raw;
    }
}
