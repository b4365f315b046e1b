package org.estafeta.mime;

import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.util.ByteSequence;
import org.apache.james.mime4j.util.ContentUtil;

/**
 * Address fields parsed with Mime4j so that UTF-8 in them (RFC 6532) survives. Mime4j's
 * {@code parseAddressList(CharSequence)} encodes the text as UTF-8 but bounds its cursor by the
 * character count, so each non-ASCII character cut one octet off the end of the list
 * ({@code info@españa.es} came out as {@code info@españa.e}); bounding it by the octets fixes that.
 */
public final class AddressLists {

    private AddressLists() {
    }

    public static AddressList parse(String raw) {
        ByteSequence bytes = ContentUtil.encode(raw);
        return LenientAddressParser.DEFAULT.parseAddressList(bytes, new ParserCursor(0, bytes.length()));
    }
}
