package org.estafeta.mailauth;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.estafeta.dns.DomainPattern;

/**
 * An MTA-STS policy (RFC 8461 §3.2), parsed strictly: {@code key: value} lines ending in LF or CRLF,
 * {@code version: STSv1}, a {@code mode}, a {@code max_age} of at most a year, and at least one valid
 * {@code mx} pattern unless the mode is {@code none}. Anything else is {@link Invalid}, and an invalid
 * policy is as if none had been fetched (§3.3).
 *
 * @param text the policy as fetched, kept for the cache
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge, String text) {

    public enum Mode {
        /** Deliver only to matching MX hosts over TLS with a valid certificate, else defer. */
        ENFORCE,
        /** Deliver as without a policy, but report (log) what enforce would have refused. */
        TESTING,
        /** The domain withdrew its policy. */
        NONE;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode of(String keyword) {
            return valueOf(keyword.toUpperCase(Locale.ROOT));
        }
    }

    /** §3.2: max_age is at most 31557600 seconds (one year). */
    public static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600);

    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    public static MtaStsPolicy parse(String text) throws Invalid {
        String version = null, mode = null, maxAge = null;
        List<String> mx = new ArrayList<>();
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        for (String raw : body.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            int colon = line.indexOf(':');
            // §3.2 ABNF: field-name is 1*32 of ALPHA / DIGIT / "_" / "-" / "."; whitespace around the value is allowed.
            if (colon < 1 || colon > 32) throw new Invalid("not a 'key: value' line: " + TagList.clip(line));
            String key = line.substring(0, colon);
            if (!key.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.'))) {
                throw new Invalid("bad key: " + TagList.clip(key));
            }
            String value = line.substring(colon + 1).strip();
            // The first occurrence of a key counts; mx is the one key that repeats.
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(value);
                default -> { } // §3.2: unknown fields are ignored (extensions)
            }
        }
        if (!"STSv1".equals(version)) throw new Invalid("version must be STSv1, was " + (version == null ? "missing" : TagList.clip(version)));
        Mode m = switch (mode == null ? "" : mode) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new Invalid("mode must be enforce, testing or none, was " + (mode == null ? "missing" : TagList.clip(mode)));
        };
        if (maxAge == null || !maxAge.matches("\\d{1,10}")) throw new Invalid("max_age must be 1 to 10 digits");
        Duration age = Duration.ofSeconds(Long.parseLong(maxAge));
        if (age.compareTo(MAX_AGE_LIMIT) > 0) throw new Invalid("max_age over one year");
        for (String pattern : mx) if (!DomainPattern.isValid(pattern)) throw new Invalid("bad mx pattern: " + TagList.clip(pattern));
        if (mx.isEmpty() && m != Mode.NONE) throw new Invalid("no mx pattern");
        return new MtaStsPolicy(m, mx, age, text);
    }

    /** §4.1: whether an MX host name is one the policy names. */
    public boolean allows(String mxHost) {
        return mx.stream().anyMatch(p -> DomainPattern.matches(p, mxHost));
    }

    /** The policy text we serve for our own domains (§3.2), CRLF line ends. */
    public static String render(Mode mode, List<String> mx, Duration maxAge) {
        StringBuilder sb = new StringBuilder("version: STSv1\r\nmode: ").append(mode.keyword()).append("\r\n");
        for (String m : mx) sb.append("mx: ").append(m).append("\r\n");
        return sb.append("max_age: ").append(maxAge.toSeconds()).append("\r\n").toString();
    }
}
