package org.estafeta.mime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;

/**
 * Address fields parsed with Mime4j so that UTF-8 in them (RFC 6532) survives. Mime4j's
 * {@code parseAddressList(CharSequence)} encodes the text as UTF-8 but bounds its cursor by the
 * character count, so each non-ASCII character cut one octet off the end of the list
 * ({@code info@españa.es} came out as {@code info@españa.e}); bounding it by the octets fixes that.
 * Mime4j's writer, for its part, quotes a UTF-8 local part ({@code "josé"@ejemplo.es}) and encodes
 * names in ISO-8859-1, so the fields we write are formatted by {@link #format} instead.
 */
public final class AddressLists {

    private AddressLists() {
    }

    public static AddressList parse(String raw) {
        ByteSequence bytes = ContentUtil.encode(raw);
        return LenientAddressParser.DEFAULT.parseAddressList(bytes, new ParserCursor(0, bytes.length()));
    }

    /** RFC 5322 §3.2.3 atext, with UTF-8 allowed (RFC 6532 §3.2). */
    private static boolean atext(int c) {
        return c >= 0x80 || Character.isLetterOrDigit(c) && c < 0x80 || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /**
     * The value of an address field (From, To, Cc, Bcc): each display name an RFC 2047 encoded word in
     * UTF-8 when it is not plain text, each address as it is, UTF-8 included (RFC 6532 §3.2), its local
     * part quoted only when it is not a dot-atom; folded after a comma when the line would pass 78.
     */
    public static String format(List<Mailbox> mailboxes) {
        StringBuilder out = new StringBuilder();
        int line = 4;  // "To: "; "From: " is longer, but only the fold point moves
        for (Mailbox m : mailboxes) {
            String one = format(m);
            if (!out.isEmpty()) {
                out.append(',');
                if (line + one.length() + 2 > 78) {
                    out.append("\r\n");
                    line = 0;
                }
                out.append(' ');
                line += 2;
            }
            out.append(one);
            line += one.length();
        }
        return out.toString();
    }

    private static String format(Mailbox m) {
        String local = m.getLocalPart();
        boolean dotAtom = !local.isEmpty() && !local.startsWith(".") && !local.endsWith(".") && !local.contains("..")
                && local.codePoints().allMatch(c -> c == '.' || atext(c));
        String address = (dotAtom ? local : '"' + local.replace("\\", "\\\\").replace("\"", "\\\"") + '"') + "@" + m.getDomain();
        String name = m.getName();
        if (name == null || name.isBlank()) return address;
        String phrase = EncoderUtil.hasToBeEncoded(name, 0)
                ? EncoderUtil.encodeEncodedWord(name, EncoderUtil.Usage.WORD_ENTITY, 0, StandardCharsets.UTF_8, null)
                : EncoderUtil.encodeAddressDisplayName(name);
        return phrase + " <" + address + ">";
    }
}
