package org.estafeta.store;

import java.util.List;

/**
 * A message's envelope and MIME tree as typed data: what IMAP's ENVELOPE, BODY and BODYSTRUCTURE
 * (RFC 9051 §7.5.2) say, computed once from the parsed message (mime package) and cached in its
 * {@link MessageSummary}. The values are those the IMAP items carry, normalised as IMAP shows them
 * (lower-case parameter names, a default charset, a default transfer encoding); the imap package
 * only writes them in its syntax, so no FETCH reads the message again.
 */
public record MessageStructure(Envelope envelope, Part body) {

    /**
     * The ENVELOPE fields: text fields as written in the header (encoded words not decoded), null when
     * absent; address fields as parsed, an empty list when absent or holding no address (NIL), with
     * {@code sender} and {@code replyTo} already {@code from} when they are empty (RFC 9051 §7.5.2).
     */
    public record Envelope(String date, String subject, List<Entry> from, List<Entry> sender, List<Entry> replyTo,
                           List<Entry> to, List<Entry> cc, List<Entry> bcc, String inReplyTo, String messageId) {
        public Envelope {
            from = List.copyOf(from);
            sender = List.copyOf(sender);
            replyTo = List.copyOf(replyTo);
            to = List.copyOf(to);
            cc = List.copyOf(cc);
            bcc = List.copyOf(bcc);
        }
    }

    /** One item of an address field: a mailbox or a group of them. */
    public sealed interface Entry permits Address, Group {
    }

    /**
     * One mailbox of an address field.
     *
     * @param name the display name as the parser decoded it, null when there is none
     * @param comment the name of the old form {@code user@domain (Real Name)} when there is no display name, else null
     * @param route the obsolete source route, null when none
     * @param domain null for an address without one
     */
    public record Address(String name, String comment, String route, String local, String domain) implements Entry {

        /** The name a client shows: the display name, else the comment. */
        public String shownName() {
            return name != null ? name : comment;
        }
    }

    /** A group (RFC 5322 §3.4): its name and members. */
    public record Group(String name, List<Address> members) implements Entry {
        public Group {
            members = List.copyOf(members);
        }
    }

    /**
     * One entity of the MIME tree. For a multipart, {@code children} (possibly none), {@code subtype},
     * {@code params}, {@code disposition}, {@code language} and {@code location} are set; for a
     * message/rfc822, {@code messageEnvelope} and {@code message} describe the message inside it.
     *
     * @param params Content-Type parameters, names lower case ({@code charset=us-ascii} for a text part without Content-Type)
     * @param encoding Content-Transfer-Encoding, lower case, {@code 7bit} when absent
     * @param size octets of the body as stored
     * @param lines lines of the body
     * @param disposition Content-Disposition, null when absent or empty
     * @param language the Content-Language tags, null when absent
     */
    public record Part(String type, String subtype, List<Param> params, String id, String description, String encoding,
                       long size, long lines, String md5, Disposition disposition, List<String> language, String location,
                       List<Part> children, Envelope messageEnvelope, Part message) {
        public Part {
            params = List.copyOf(params);
            language = language == null ? null : List.copyOf(language);
            children = List.copyOf(children);
        }

        public boolean isMultipart() {
            return type.equals("multipart");
        }

        public boolean isMessage() {
            return message != null;
        }
    }

    /** A parameter of Content-Type or Content-Disposition; the name lower case, the value never null. */
    public record Param(String name, String value) {
    }

    /** Content-Disposition: its value lower case, and its parameters. */
    public record Disposition(String value, List<Param> params) {
        public Disposition {
            params = List.copyOf(params);
        }
    }
}
