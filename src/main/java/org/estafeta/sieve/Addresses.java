package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.estafeta.mime.AddressLists;

/** The addresses in a header value, split into local part and domain, for the address test (RFC 5228 §5.1). */
final class Addresses {

    record Parsed(String localPart, String domain) {
        String all() {
            return domain == null ? localPart : localPart + "@" + domain;
        }

        String part(Script.AddressPart part) {
            return switch (part) {
                case ALL -> all();
                case LOCALPART -> localPart;
                case DOMAIN -> domain == null ? "" : domain;
            };
        }
    }

    private Addresses() {
    }

    static List<Parsed> parse(String value) {
        List<Parsed> out = new ArrayList<>();
        if (value == null || value.isBlank()) return out;
        AddressList list;
        try {
            list = AddressLists.parse(value);
        } catch (RuntimeException e) {
            return out;
        }
        if (list == null) return out;
        for (Address a : list) {
            switch (a) {
                case Mailbox m -> add(out, m);
                case Group g -> g.getMailboxes().forEach(m -> add(out, m));
                default -> { }
            }
        }
        return out;
    }

    private static void add(List<Parsed> out, Mailbox m) {
        if (m.getLocalPart() == null || m.getLocalPart().isEmpty()) return;
        out.add(new Parsed(m.getLocalPart(), m.getDomain()));
    }

    /** An envelope path ("" for the null path) split the same way. */
    static Parsed ofPath(String path) {
        if (path == null || path.isEmpty()) return new Parsed("", null);
        int at = path.lastIndexOf('@');
        return at < 0 ? new Parsed(path, null) : new Parsed(path.substring(0, at), path.substring(at + 1));
    }

    /** A plain local@domain with nothing around it, as redirect needs (RFC 5228 §4.2). */
    static boolean isMailbox(String address) {
        List<Parsed> p = parse(address);
        return p.size() == 1 && p.getFirst().domain() != null && !p.getFirst().domain().isEmpty();
    }
}
