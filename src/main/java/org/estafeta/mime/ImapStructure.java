package org.estafeta.mime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.estafeta.store.AddressKey;
import org.estafeta.store.MessageStructure;

import static org.estafeta.mime.ImapSyntax.nstring;
import static org.estafeta.mime.ImapSyntax.string;

/** The IMAP ENVELOPE, BODY and BODYSTRUCTURE of a message (RFC 9051 §7.5.2), computed once on arrival. */
public final class ImapStructure {

    private ImapStructure() {
    }

    /** Parses the message in one streaming pass, at most {@code maxParts} parts deep into it. */
    public static MessageStructure of(InputStream message, int maxParts) throws IOException {
        return of(MimeParser.parse(message, maxParts));
    }

    public static MessageStructure of(MimePart root) {
        return new MessageStructure(envelope(root.headers()), body(root, false), body(root, true));
    }

    /** ENVELOPE: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id, raw as sent (UTF-8 too). */
    public static String envelope(Headers h) {
        return envelope(h, true);
    }

    /**
     * ENVELOPE for a client that has not enabled UTF8=ACCEPT (RFC 6855 §3, RFC 6858 §3): no UTF-8 in it.
     * Text fields become RFC 2047 encoded-words; an IDN domain its A-labels; an address whose local part
     * is UTF-8 cannot be written in ASCII, so it becomes an empty group whose name (encoded) is the
     * whole address, which such a client shows but cannot reply to, as RFC 6858 §3 describes.
     */
    public static String asciiEnvelope(Headers h) {
        return envelope(h, false);
    }

    private static String envelope(Headers h, boolean utf8) {
        String from = addresses(h.get("From"), utf8);
        // RFC 9051 §7.5.2: a missing Sender or Reply-To is From; an empty one, with no address, too.
        String sender = addresses(h.get("Sender"), utf8);
        if (sender.equals("NIL")) sender = from;
        String replyTo = addresses(h.get("Reply-To"), utf8);
        if (replyTo.equals("NIL")) replyTo = from;
        return "(" + text(h.get("Date"), utf8) + " " + text(h.get("Subject"), utf8) + " " + from + " " + sender + " " + replyTo
                + " " + addresses(h.get("To"), utf8) + " " + addresses(h.get("Cc"), utf8) + " " + addresses(h.get("Bcc"), utf8)
                + " " + text(h.get("In-Reply-To"), utf8) + " " + text(h.get("Message-ID"), utf8) + ")";
    }

    private static String text(String value, boolean utf8) {
        return nstring(utf8 ? value : ascii(value));
    }

    /** RFC 2047 encoded-words for text with UTF-8 in it; ASCII text as it is. */
    private static String ascii(String value) {
        if (value == null || AddressKey.isAscii(value)) return value;
        return EncoderUtil.encodeEncodedWord(value, EncoderUtil.Usage.TEXT_TOKEN, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
    }

    private static String addresses(String raw, boolean utf8) {
        if (raw == null || raw.isBlank()) return "NIL";
        AddressList list = AddressLists.parse(raw);
        if (list == null || list.isEmpty()) return "NIL";
        StringBuilder sb = new StringBuilder("(");
        for (Address a : list) {
            switch (a) {
                case Mailbox m -> address(sb, m, raw, utf8);
                case Group g -> {
                    // RFC 9051 §7.5.2: a group is a start marker with the name as mailbox, then the members, then an end marker.
                    sb.append("(NIL NIL ").append(string(utf8 ? g.getName() : ascii(g.getName()))).append(" NIL)");
                    for (Mailbox m : g.getMailboxes()) address(sb, m, raw, utf8);
                    sb.append("(NIL NIL NIL NIL)");
                }
                default -> { }
            }
        }
        return sb.length() == 1 ? "NIL" : sb.append(')').toString();
    }

    private static void address(StringBuilder sb, Mailbox m, String raw, boolean utf8) {
        String name = m.getName() != null ? m.getName() : commentName(m, raw);
        // RFC 6855 §3: after ENABLE UTF8=ACCEPT the name goes as it was written; before it, as an
        // encoded word (RFC 6858 §3), in UTF-8, which holds any name (Mime4j would pick ISO-8859-1).
        if (name != null && !utf8 && !name.chars().allMatch(c -> c < 0x7f)) {
            name = EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
        }
        String local = m.getLocalPart(), domain = m.getDomain();
        if (!utf8 && domain != null && !AddressKey.isAscii(domain)) {
            String aLabels = AddressKey.asciiDomain(domain);
            if (aLabels != null) domain = aLabels;
        }
        if (!utf8 && (!AddressKey.isAscii(local) || (domain != null && !AddressKey.isAscii(domain)))) {
            String whole = (m.getName() != null ? m.getName() + " " : "") + "<" + m.getLocalPart() + "@" + m.getDomain() + ">";
            sb.append("(NIL NIL ").append(string(EncoderUtil.encodeEncodedWord(whole, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q)))
                    .append(" NIL)(NIL NIL NIL NIL)");
            return;
        }
        String route = m.getRoute() == null || m.getRoute().isEmpty() ? null : m.getRoute().toRouteString();
        sb.append('(').append(nstring(name)).append(' ').append(nstring(route)).append(' ')
                .append(nstring(local)).append(' ').append(nstring(domain)).append(')');
    }

    /**
     * The old form {@code user@domain (Real Name)} (RFC 822 §6.1, still sent): the comment after the
     * address is the only name there is, and clients show it; null when there is none.
     */
    static String commentName(Mailbox m, String raw) {
        if (m.getDomain() == null) return null;
        // A scan, not a regex built per address: this runs for every address of every arriving message.
        String address = m.getLocalPart() + "@" + m.getDomain();
        for (int at = indexOfAsciiIgnoreCase(raw, address, 0); at >= 0; at = indexOfAsciiIgnoreCase(raw, address, at + 1)) {
            int open = at + address.length();
            while (open < raw.length() && isRegexSpace(raw.charAt(open))) open++;
            if (open == raw.length() || raw.charAt(open) != '(') continue;
            int close = open + 1;
            while (close < raw.length() && raw.charAt(close) != '(' && raw.charAt(close) != ')') close++;
            if (close == raw.length() || raw.charAt(close) != ')') continue;
            String name = raw.substring(open + 1, close).strip();
            return name.isEmpty() ? null : PartContent.decodeHeader(name);
        }
        return null;
    }

    /** Pattern's CASE_INSENSITIVE without UNICODE_CASE: only ASCII letters fold. */
    private static int indexOfAsciiIgnoreCase(String text, String sought, int from) {
        for (int i = from; i + sought.length() <= text.length(); i++) {
            int j = 0;
            while (j < sought.length() && asciiLower(text.charAt(i + j)) == asciiLower(sought.charAt(j))) j++;
            if (j == sought.length()) return i;
        }
        return -1;
    }

    private static char asciiLower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** What {@code \s} matches in a regex. */
    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** BODY (no extension data) or BODYSTRUCTURE (with it). */
    public static String body(MimePart p, boolean extended) {
        StringBuilder sb = new StringBuilder();
        body(sb, p, extended);
        return sb.toString();
    }

    private static void body(StringBuilder sb, MimePart p, boolean extended) {
        Headers h = p.headers();
        sb.append('(');
        if (p.isMultipart()) {
            if (p.children().isEmpty()) {
                sb.append("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
            }
            for (MimePart child : p.children()) body(sb, child, extended);
            sb.append(' ').append(string(p.subtype()));
            if (extended) {
                sb.append(' ').append(params(p.params)).append(' ').append(disposition(h)).append(' ')
                        .append(language(h)).append(' ').append(nstring(h.get("Content-Location")));
            }
            sb.append(')');
            return;
        }
        List<NameValuePair> params = p.params;
        String paramText = h.get("Content-Type") == null && p.type().equals("text")
                ? "(\"charset\" \"us-ascii\")" : params(params);
        String encoding = h.get("Content-Transfer-Encoding");
        sb.append(string(p.type())).append(' ').append(string(p.subtype())).append(' ').append(paramText).append(' ')
                .append(nstring(h.get("Content-ID"))).append(' ').append(nstring(h.get("Content-Description"))).append(' ')
                .append(string(encoding == null ? "7bit" : encoding.strip().toLowerCase(Locale.ROOT))).append(' ')
                .append(p.bodySize());
        if (p.isMessage()) {
            sb.append(' ').append(envelope(p.message().headers())).append(' ');
            body(sb, p.message(), extended);
            sb.append(' ').append(p.lines);
        } else if (p.type().equals("text")) {
            sb.append(' ').append(p.lines);
        }
        if (extended) {
            sb.append(' ').append(nstring(h.get("Content-MD5"))).append(' ').append(disposition(h)).append(' ')
                    .append(language(h)).append(' ').append(nstring(h.get("Content-Location")));
        }
        sb.append(')');
    }

    private static String params(List<NameValuePair> params) {
        if (params == null || params.isEmpty()) return "NIL";
        StringBuilder sb = new StringBuilder("(");
        for (NameValuePair p : params) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(string(p.getName().toLowerCase(Locale.ROOT))).append(' ').append(string(p.getValue() == null ? "" : p.getValue()));
        }
        return sb.append(')').toString();
    }

    private static String disposition(Headers h) {
        String raw = h.get("Content-Disposition");
        if (raw == null || raw.isBlank()) return "NIL";
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", raw));
        String value = body.getValue() == null ? "" : body.getValue().strip().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) return "NIL";
        return "(" + string(value) + " " + params(body.getParams()) + ")";
    }

    private static String language(Headers h) {
        String raw = h.get("Content-Language");
        if (raw == null || raw.isBlank()) return "NIL";
        String[] tags = raw.split(",");
        if (tags.length == 1) return string(tags[0].strip());
        StringBuilder sb = new StringBuilder("(");
        for (String t : tags) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(string(t.strip()));
        }
        return sb.append(')').toString();
    }
}
