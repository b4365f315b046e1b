package org.estafeta.imap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.estafeta.store.AddressKey;
import org.estafeta.store.MessageStructure.Address;
import org.estafeta.store.MessageStructure.Disposition;
import org.estafeta.store.MessageStructure.Entry;
import org.estafeta.store.MessageStructure.Envelope;
import org.estafeta.store.MessageStructure.Group;
import org.estafeta.store.MessageStructure.Param;
import org.estafeta.store.MessageStructure.Part;

import static org.estafeta.imap.ImapSyntax.nstring;
import static org.estafeta.imap.ImapSyntax.string;

/**
 * ENVELOPE, BODY and BODYSTRUCTURE (RFC 9051 §7.5.2) written from a message's cached typed
 * structure: no FETCH of these items reads the message.
 */
final class ImapStructure {

    private ImapStructure() {
    }

    /**
     * ENVELOPE, as sent (UTF-8 too) when {@code utf8}; else for a client that has enabled neither
     * UTF8=ACCEPT nor IMAP4rev2 (RFC 6855 §3, RFC 6858 §3): no UTF-8 in it. Text fields become RFC 2047
     * encoded-words; an IDN domain its A-labels; an address whose local part is UTF-8 cannot be written
     * in ASCII, so it becomes an empty group whose name (encoded) is the whole address, which such a
     * client shows but cannot reply to, as RFC 6858 §3 describes.
     */
    static String envelope(Envelope e, boolean utf8) {
        return "(" + text(e.date(), utf8) + " " + text(e.subject(), utf8) + " " + addresses(e.from(), utf8) + " "
                + addresses(e.sender(), utf8) + " " + addresses(e.replyTo(), utf8) + " " + addresses(e.to(), utf8) + " "
                + addresses(e.cc(), utf8) + " " + addresses(e.bcc(), utf8) + " " + text(e.inReplyTo(), utf8) + " "
                + text(e.messageId(), utf8) + ")";
    }

    private static String text(String value, boolean utf8) {
        return nstring(utf8 ? value : ascii(value));
    }

    /** RFC 2047 encoded-words for text with UTF-8 in it; ASCII text as it is. */
    private static String ascii(String value) {
        if (value == null || AddressKey.isAscii(value)) return value;
        return EncoderUtil.encodeEncodedWord(value, EncoderUtil.Usage.TEXT_TOKEN, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
    }

    private static String addresses(List<Entry> entries, boolean utf8) {
        if (entries.isEmpty()) return "NIL";
        StringBuilder sb = new StringBuilder("(");
        for (Entry entry : entries) {
            switch (entry) {
                case Address a -> address(sb, a, utf8);
                case Group g -> {
                    // RFC 9051 §7.5.2: a group is a start marker with the name as mailbox, then the members, then an end marker.
                    sb.append("(NIL NIL ").append(string(utf8 ? g.name() : ascii(g.name()))).append(" NIL)");
                    for (Address a : g.members()) address(sb, a, utf8);
                    sb.append("(NIL NIL NIL NIL)");
                }
            }
        }
        return sb.append(')').toString();
    }

    private static void address(StringBuilder sb, Address a, boolean utf8) {
        String name = a.shownName();
        // RFC 6855 §3: after ENABLE UTF8=ACCEPT the name goes as it was written; before it, as an
        // encoded word (RFC 6858 §3), in UTF-8, which holds any name (Mime4j would pick ISO-8859-1).
        if (name != null && !utf8 && !name.chars().allMatch(c -> c < 0x7f)) {
            name = EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
        }
        String local = a.local(), domain = a.domain();
        if (!utf8 && domain != null && !AddressKey.isAscii(domain)) {
            String aLabels = AddressKey.asciiDomain(domain);
            if (aLabels != null) domain = aLabels;
        }
        if (!utf8 && (!AddressKey.isAscii(local) || (domain != null && !AddressKey.isAscii(domain)))) {
            String whole = (a.name() != null ? a.name() + " " : "") + "<" + a.local() + "@" + a.domain() + ">";
            sb.append("(NIL NIL ").append(string(EncoderUtil.encodeEncodedWord(whole, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q)))
                    .append(" NIL)(NIL NIL NIL NIL)");
            return;
        }
        sb.append('(').append(nstring(name)).append(' ').append(nstring(a.route())).append(' ')
                .append(nstring(local)).append(' ').append(nstring(domain)).append(')');
    }

    /** BODY (no extension data) or BODYSTRUCTURE (with it). */
    static String body(Part p, boolean extended) {
        StringBuilder sb = new StringBuilder();
        body(sb, p, extended);
        return sb.toString();
    }

    private static void body(StringBuilder sb, Part p, boolean extended) {
        sb.append('(');
        if (p.isMultipart()) {
            if (p.children().isEmpty()) {
                sb.append("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
            }
            for (Part child : p.children()) body(sb, child, extended);
            sb.append(' ').append(string(p.subtype()));
            if (extended) {
                sb.append(' ').append(params(p.params())).append(' ').append(disposition(p.disposition())).append(' ')
                        .append(language(p.language())).append(' ').append(nstring(p.location()));
            }
            sb.append(')');
            return;
        }
        sb.append(string(p.type())).append(' ').append(string(p.subtype())).append(' ').append(params(p.params())).append(' ')
                .append(nstring(p.id())).append(' ').append(nstring(p.description())).append(' ')
                .append(string(p.encoding())).append(' ').append(p.size());
        if (p.isMessage()) {
            sb.append(' ').append(envelope(p.messageEnvelope(), true)).append(' ');
            body(sb, p.message(), extended);
            sb.append(' ').append(p.lines());
        } else if (p.type().equals("text")) {
            sb.append(' ').append(p.lines());
        }
        if (extended) {
            sb.append(' ').append(nstring(p.md5())).append(' ').append(disposition(p.disposition())).append(' ')
                    .append(language(p.language())).append(' ').append(nstring(p.location()));
        }
        sb.append(')');
    }

    private static String params(List<Param> params) {
        if (params.isEmpty()) return "NIL";
        StringBuilder sb = new StringBuilder("(");
        for (Param p : params) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(string(p.name())).append(' ').append(string(p.value()));
        }
        return sb.append(')').toString();
    }

    private static String disposition(Disposition d) {
        return d == null ? "NIL" : "(" + string(d.value()) + " " + params(d.params()) + ")";
    }

    private static String language(List<String> tags) {
        if (tags == null) return "NIL";
        if (tags.size() == 1) return string(tags.getFirst());
        StringBuilder sb = new StringBuilder("(");
        for (String t : tags) {
            if (sb.length() > 1) sb.append(' ');
            sb.append(string(t));
        }
        return sb.append(')').toString();
    }
}
