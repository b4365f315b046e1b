package org.estafeta.store;

import java.time.ZonedDateTime;
import java.util.List;

/**
 * What lists and envelopes show of a message, as typed data, computed once while it arrives (mime
 * package) and cached beside it: IMAP (ENVELOPE, BODY, BODYSTRUCTURE from {@code structure}) and the
 * webmail's list read it instead of parsing the content.
 *
 * @param date the Date field, null when absent or unreadable
 * @param subject decoded (RFC 2047), null when absent
 * @param messageId the Message-ID as written, null when absent
 * @param references Message-IDs of In-Reply-To and References, oldest first
 * @param hasAttachment a part is marked as an attachment or is not text and not multipart
 * @param size octets as stored
 * @param structure the envelope and MIME tree IMAP shows
 */
public record MessageSummary(List<Address> from, List<Address> to, List<Address> cc, String subject, ZonedDateTime date,
                             String messageId, List<String> references, boolean hasAttachment, long size,
                             MessageStructure structure) {

    public MessageSummary {
        from = List.copyOf(from);
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        references = List.copyOf(references);
    }

    /** One mailbox of an address field; {@code name} decoded, null when absent. */
    public record Address(String name, String address) {
    }
}
