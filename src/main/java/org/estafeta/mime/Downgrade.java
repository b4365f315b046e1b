package org.estafeta.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.estafeta.store.AddressKey;

/**
 * A message with UTF-8 header fields (RFC 6532) made readable for a POP3 or IMAP client that did not
 * ask for UTF-8 (RFC 6856 UTF8, RFC 6855 UTF8=ACCEPT), as RFC 6858 §3 and §4 describe: the body is
 * left alone; each header field with UTF-8 in it is rewritten in ASCII. Text becomes RFC 2047
 * encoded-words; in address fields an IDN domain becomes A-labels, and an address whose local part is
 * UTF-8 (which has no ASCII form) becomes an empty group named with the encoded address, so the client
 * shows who wrote but cannot reply to a mangled address.
 */
public final class Downgrade {

    private static final Set<String> ADDRESS_FIELDS = Set.of("from", "sender", "reply-to", "to", "cc", "bcc",
            "resent-from", "resent-sender", "resent-to", "resent-cc", "resent-bcc");
    /** A header larger than this is served as it is: downgrading is best effort, never a reason to fail. */
    private static final int MAX_HEADER = 1024 * 1024;

    private Downgrade() {
    }

    /** The message with its header downgraded when it holds UTF-8; the same bytes otherwise. */
    public static InputStream message(InputStream in) throws IOException {
        byte[] header = readHeader(in);
        return new SequenceInputStream(new java.io.ByteArrayInputStream(needed(header) ? header(header) : header), in);
    }

    /** Whether any octet is not ASCII. */
    public static boolean needed(byte[] header) {
        for (byte b : header) if (b < 0) return true;
        return false;
    }

    /** The header (with its blank line, if any) with every field holding UTF-8 rewritten in ASCII. */
    public static byte[] header(byte[] raw) {
        Headers headers = new Headers(raw);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + 256);
        int at = 0;
        for (Headers.Field f : headers.fields()) {
            out.write(raw, at, f.start() - at);
            byte[] field = java.util.Arrays.copyOfRange(raw, f.start(), f.end());
            if (needed(field)) {
                String value = ADDRESS_FIELDS.contains(f.name().toLowerCase(Locale.ROOT)) ? addresses(f.value()) : text(f.value());
                out.writeBytes((f.name() + ": " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
            } else {
                out.writeBytes(field);
            }
            at = f.end();
        }
        out.write(raw, at, raw.length - at);
        return out.toByteArray();
    }

    private static String text(String value) {
        return EncoderUtil.encodeEncodedWord(value, EncoderUtil.Usage.TEXT_TOKEN, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
    }

    private static String addresses(String value) {
        AddressList list = AddressLists.parse(value);
        if (list == null || list.isEmpty()) return text(value);
        StringBuilder sb = new StringBuilder();
        for (Address a : list) {
            if (!sb.isEmpty()) sb.append(", ");
            switch (a) {
                case Mailbox m -> sb.append(mailbox(m));
                case Group g -> {
                    sb.append(phrase(g.getName())).append(": ");
                    for (int i = 0; i < g.getMailboxes().size(); i++) sb.append(i == 0 ? "" : ", ").append(mailbox(g.getMailboxes().get(i)));
                    sb.append(';');
                }
                default -> { }
            }
        }
        return sb.toString();
    }

    private static String mailbox(Mailbox m) {
        String domain = m.getDomain();
        if (domain != null && !AddressKey.isAscii(domain)) {
            String aLabels = AddressKey.asciiDomain(domain);
            if (aLabels != null) domain = aLabels;
        }
        String address = m.getLocalPart() + (domain == null ? "" : "@" + domain);
        if (!AddressKey.isAscii(address)) {
            String whole = (m.getName() != null ? m.getName() + " " : "") + "<" + m.getLocalPart() + "@" + m.getDomain() + ">";
            return phrase(whole) + ": ;";
        }
        return m.getName() == null ? address : phrase(m.getName()) + " <" + address + ">";
    }

    /** A display name as a phrase: encoded-words when it holds UTF-8, quoted otherwise. */
    private static String phrase(String name) {
        if (!AddressKey.isAscii(name)) return EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, EncoderUtil.Encoding.Q);
        return "\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Reads up to and including the blank line that ends the header (or the whole message, if it has none). */
    private static byte[] readHeader(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        int state = 0; // octets of CRLFCRLF matched so far
        while (state < 4 && out.size() < MAX_HEADER) {
            int b = in.read();
            if (b < 0) break;
            out.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) ? state + 1 : (b == '\n' && (state == 1 || state == 3)) ? state + 1 : b == '\r' ? 1 : 0;
        }
        return out.toByteArray();
    }
}
