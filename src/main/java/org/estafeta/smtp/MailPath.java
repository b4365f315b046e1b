package org.estafeta.smtp;

import java.nio.charset.StandardCharsets;
import org.estafeta.store.AddressKey;

/**
 * A reverse- or forward-path: {@code local@domain}, or the null path {@code <>}. Source routes
 * ({@code @a,@b:user@c}) are accepted and dropped as RFC 5321 §4.1.1.3 (and Appendix C) asks.
 */
public record MailPath(String localPart, String domain) {

    public static final MailPath NULL = new MailPath("", "");

    /** RFC 5321 §4.5.3.1.1 and §4.5.3.1.2. */
    private static final int MAX_LOCAL = 64, MAX_DOMAIN = 255;

    public boolean isNull() {
        return domain.isEmpty() && localPart.isEmpty();
    }

    /** RFC 6531 §3.4: an address with UTF-8 in it needs the SMTPUTF8 parameter on the MAIL command. */
    public boolean isAscii() {
        return AddressKey.isAscii(localPart) && AddressKey.isAscii(domain);
    }

    public String address() {
        return isNull() ? "" : localPart + "@" + domain;
    }

    /** Domain as stored, for lookups: lower case, an IDN in U-labels. */
    public String domainKey() {
        return AddressKey.domain(domain);
    }

    @Override
    public String toString() {
        return "<" + address() + ">";
    }

    /**
     * Parses the text of a path without its angle brackets. {@code allowPostmaster} admits the bare
     * {@code Postmaster} that RCPT TO must accept (RFC 5321 §4.1.1.3).
     */
    public static MailPath parse(String path, boolean allowNull, boolean allowPostmaster, String defaultDomain)
            throws SmtpException {
        if (path.isEmpty()) {
            if (allowNull) return NULL;
            throw syntax("empty address");
        }
        String p = path;
        if (p.startsWith("@")) {
            int colon = p.indexOf(':');
            if (colon < 0) throw syntax("bad source route");
            p = p.substring(colon + 1);
        }
        if (allowPostmaster && p.equalsIgnoreCase("postmaster")) return new MailPath("postmaster", defaultDomain);
        int at = localPartEnd(p);
        if (at < 0 || at >= p.length() || p.charAt(at) != '@') throw syntax("address must be local-part@domain");
        // RFC 6531 §3.3: UTF-8 is compared in NFC; the limits of RFC 5321 count octets, not characters.
        String local = AddressKey.nfc(p.substring(0, at)), domain = AddressKey.nfc(p.substring(at + 1));
        if (local.isEmpty() || octets(local) > MAX_LOCAL) throw syntax("bad local part");
        if (!isDomainName(domain) && !isAddressLiteral(domain)) throw syntax("bad domain");
        // A U-label must have an A-label form (RFC 5890 §2.3.2.1), or no DNS can ever find it.
        if (!AddressKey.isAscii(domain) && AddressKey.asciiDomain(domain) == null) throw syntax("bad internationalised domain");
        return new MailPath(local, domain);
    }

    /** Index of the '@' after a dot-atom or quoted-string local part, -1 when malformed. */
    private static int localPartEnd(String p) {
        if (p.startsWith("\"")) {
            for (int i = 1; i < p.length(); i++) {
                char c = p.charAt(i);
                // RFC 5321 §4.1.2: quoted-pairSMTP is a backslash and a printable ASCII character, so an
                // escaped CR or LF cannot reach a header or the next hop's command line.
                if (c == '\\' && (i + 1 == p.length() || p.charAt(i + 1) < 32 || p.charAt(i + 1) > 126)) return -1;
                if (c == '\\') i++;
                else if (c == '"') return i + 1;
                else if (c < 32 || c == 127) return -1;
            }
            return -1;
        }
        int i = 0;
        boolean lastDot = true;
        for (; i < p.length() && p.charAt(i) != '@'; i++) {
            char c = p.charAt(i);
            if (c == '.') {
                if (lastDot) return -1;
                lastDot = true;
            } else if (isAtext(c)) {
                lastDot = false;
            } else {
                return -1;
            }
        }
        return lastDot ? -1 : i;
    }

    private static int octets(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0 || c >= 0x80;
    }

    /** RFC 5321 Domain: sub-domains of letters, digits and inner hyphens, dot-separated. */
    public static boolean isDomainName(String d) {
        if (d.isEmpty() || octets(d) > MAX_DOMAIN) return false;
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) return false;
            if (label.startsWith("-") || label.endsWith("-")) return false;
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c >= 0x80;
                if (!ok) return false;
            }
        }
        return true;
    }

    private static boolean isAddressLiteral(String d) {
        return d.length() > 2 && d.startsWith("[") && d.endsWith("]") && d.substring(1, d.length() - 1).matches("(IPv6:)?[0-9A-Fa-f.:]+");
    }

    private static SmtpException syntax(String why) {
        return new SmtpException(501, "5.1.3", "Bad address syntax: " + why);
    }
}
