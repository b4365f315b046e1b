package org.estafeta.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.AddressList;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.estafeta.store.MessageSummary;

/** The typed {@link MessageSummary} of a parsed message. */
public final class Summaries {

    private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s]+>");

    private Summaries() {
    }

    public static MessageSummary of(MimePart root, long size) {
        Headers h = root.headers();
        List<String> references = new ArrayList<>(ids(h.get("References")));
        for (String id : ids(h.get("In-Reply-To"))) if (!references.contains(id)) references.add(id);
        String subject = h.get("Subject");
        return new MessageSummary(addresses(h.get("From")), addresses(h.get("To")), addresses(h.get("Cc")),
                subject == null ? null : decode(subject), MailDate.parse(h.get("Date")), h.get("Message-ID"),
                references, hasAttachment(root), size, Structures.of(root));
    }

    /** The mailboxes of an address field (group members included), names decoded; empty when absent or unreadable. */
    public static List<MessageSummary.Address> addresses(String raw) {
        if (raw == null || raw.isBlank()) return List.of();
        AddressList list = AddressLists.parse(raw);
        List<MessageSummary.Address> out = new ArrayList<>();
        if (list == null) return out;
        for (Address a : list) {
            switch (a) {
                case Mailbox m -> out.add(address(m));
                case Group g -> g.getMailboxes().forEach(m -> out.add(address(m)));
                default -> { }
            }
        }
        return out;
    }

    private static MessageSummary.Address address(Mailbox m) {
        String name = m.getName() == null || m.getName().isBlank() ? null : decode(m.getName());
        return new MessageSummary.Address(name, m.getAddress());
    }

    private static String decode(String s) {
        return DecoderUtil.decodeEncodedWords(s, DecodeMonitor.SILENT);
    }

    private static List<String> ids(String raw) {
        if (raw == null) return List.of();
        List<String> out = new ArrayList<>();
        Matcher m = MESSAGE_ID.matcher(raw);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** RFC 2183 attachment disposition, or a leaf that is not text (an image, a PDF, a forwarded message). */
    private static boolean hasAttachment(MimePart p) {
        if (p.isMultipart()) {
            for (MimePart c : p.children()) if (hasAttachment(c)) return true;
            return false;
        }
        String disposition = p.headers().get("Content-Disposition");
        if (disposition != null && disposition.strip().toLowerCase(java.util.Locale.ROOT).startsWith("attachment")) return true;
        return !p.type().equals("text");
    }
}
