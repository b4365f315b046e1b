package org.estafeta.mime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.MessageStructure.Disposition;
import org.estafeta.store.MessageStructure.Entry;
import org.estafeta.store.MessageStructure.Envelope;
import org.estafeta.store.MessageStructure.Param;
import org.estafeta.store.MessageStructure.Part;

/**
 * The typed {@link MessageStructure} of a parsed message: the values of IMAP's ENVELOPE and
 * BODYSTRUCTURE (RFC 9051 §7.5.2), computed once on arrival; the imap package writes them.
 */
public final class Structures {

    private Structures() {
    }

    public static MessageStructure of(MimePart root) {
        return new MessageStructure(envelope(root.headers()), part(root));
    }

    /** ENVELOPE: date, subject, from, sender, reply-to, to, cc, bcc, in-reply-to, message-id. */
    public static Envelope envelope(Headers h) {
        List<Entry> from = addresses(h.get("From"));
        // RFC 9051 §7.5.2: a missing Sender or Reply-To is From; an empty one, with no address, too.
        List<Entry> sender = addresses(h.get("Sender"));
        List<Entry> replyTo = addresses(h.get("Reply-To"));
        return new Envelope(h.get("Date"), h.get("Subject"), from, sender.isEmpty() ? from : sender, replyTo.isEmpty() ? from : replyTo,
                addresses(h.get("To")), addresses(h.get("Cc")), addresses(h.get("Bcc")), h.get("In-Reply-To"), h.get("Message-ID"));
    }

    private static List<Entry> addresses(String raw) {
        if (raw == null || raw.isBlank()) return List.of();
        AddressList list = AddressLists.parse(raw);
        if (list == null) return List.of();
        List<Entry> out = new ArrayList<>();
        for (Address a : list) {
            switch (a) {
                case Mailbox m -> out.add(address(m, raw));
                case Group g -> out.add(new MessageStructure.Group(g.getName(), g.getMailboxes().stream().map(m -> address(m, raw)).toList()));
                default -> { }
            }
        }
        return out;
    }

    private static MessageStructure.Address address(Mailbox m, String raw) {
        String route = m.getRoute() == null || m.getRoute().isEmpty() ? null : m.getRoute().toRouteString();
        return new MessageStructure.Address(m.getName(), m.getName() == null ? commentName(m, raw) : null, route,
                m.getLocalPart(), m.getDomain());
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

    /** One entity and what is below it. */
    public static Part part(MimePart p) {
        Headers h = p.headers();
        if (p.isMultipart()) {
            return new Part(p.type(), p.subtype(), params(p.params), null, null, null, 0, 0, null, disposition(h), language(h),
                    h.get("Content-Location"), p.children().stream().map(Structures::part).toList(), null, null);
        }
        // RFC 2045 §5.2: text without a Content-Type is US-ASCII plain text.
        List<Param> params = h.get("Content-Type") == null && p.type().equals("text")
                ? List.of(new Param("charset", "us-ascii")) : params(p.params);
        String encoding = h.get("Content-Transfer-Encoding");
        return new Part(p.type(), p.subtype(), params, h.get("Content-ID"), h.get("Content-Description"),
                encoding == null ? "7bit" : encoding.strip().toLowerCase(Locale.ROOT), p.bodySize(), p.lines, h.get("Content-MD5"),
                disposition(h), language(h), h.get("Content-Location"), List.of(),
                p.isMessage() ? envelope(p.message().headers()) : null, p.isMessage() ? part(p.message()) : null);
    }

    private static List<Param> params(List<NameValuePair> params) {
        if (params == null) return List.of();
        return params.stream().map(p -> new Param(p.getName().toLowerCase(Locale.ROOT), p.getValue() == null ? "" : p.getValue())).toList();
    }

    private static Disposition disposition(Headers h) {
        String raw = h.get("Content-Disposition");
        if (raw == null || raw.isBlank()) return null;
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Disposition", raw));
        String value = body.getValue() == null ? "" : body.getValue().strip().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) return null;
        return new Disposition(value, params(body.getParams()));
    }

    private static List<String> language(Headers h) {
        String raw = h.get("Content-Language");
        if (raw == null || raw.isBlank()) return null;
        return Arrays.stream(raw.split(",")).map(String::strip).toList();
    }
}
