package org.estafeta.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.DefaultAddressParser;
import org.apache.james.mime4j.field.address.ParseException;
import org.apache.james.mime4j.message.BasicBodyFactory;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawField;
import org.estafeta.mime.AddressLists;
import org.estafeta.mime.LineEnds;

/**
 * Builds the message a user composed (Mime4j DOM): text/plain UTF-8 in quoted-printable, and
 * multipart/mixed when there are attachments or a forwarded message. Every header value typed by the
 * user is checked here first: a CR or LF anywhere is refused, so no field can be smuggled in.
 */
final class Composer {

    /** Input that cannot become a message: a bundle key and its arguments, safe to show the user. */
    static final class Invalid extends Exception {
        private final transient Object[] args;

        Invalid(String key, Object... args) {
            super(key);
            this.args = args;
        }

        String text(Texts t) {
            Object[] shown = args.clone();
            for (int i = 0; i < shown.length; i++) if (shown[i] instanceof String s && t.has(s)) shown[i] = t.t(s);
            return t.t(getMessage(), shown);
        }
    }

    record Upload(String filename, String contentType, byte[] content) {
    }

    record Draft(String from, String to, String cc, String bcc, String subject, String body, String inReplyTo,
                 String references, List<Upload> uploads, byte[] forwarded) {
    }

    /** The built message, with and without Bcc (the copy kept in Sent shows it; the one sent does not). */
    record Built(byte[] withBcc, byte[] withoutBcc, List<String> recipients) {
    }

    private final String hostname;

    Composer(String hostname) {
        this.hostname = hostname;
    }

    static void rejectLineBreaks(String field, String value) throws Invalid {
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
            throw new Invalid("compose.error.lineBreaks", field);
        }
    }

    /** Comma-separated addresses, each checked; empty input gives an empty list. */
    static List<Mailbox> addresses(String field, String value) throws Invalid {
        rejectLineBreaks(field, value);
        List<Mailbox> out = new ArrayList<>();
        if (value == null || value.isBlank()) return out;
        try {
            for (var address : DefaultAddressParser.DEFAULT.parseAddressList(value, DecodeMonitor.STRICT).flatten()) {
                String a = address.getAddress();
                if (a == null || address.getDomain() == null || address.getDomain().isBlank() || address.getLocalPart().isBlank()
                        || a.chars().anyMatch(c -> c < 33 || c == 127)) {
                    throw new Invalid("compose.error.notAddress", field, a);
                }
                out.add(address);
            }
        } catch (ParseException | IllegalArgumentException e) {
            throw new Invalid("compose.error.addressList", field);
        }
        return out;
    }

    /** Message-ID lists (In-Reply-To, References): angle-bracketed tokens only. */
    private static String messageIds(String field, String value) throws Invalid {
        rejectLineBreaks(field, value);
        if (value == null || value.isBlank()) return null;
        String v = value.strip().replaceAll("\\s+", " ");
        if (!v.matches("(<[^<>\\s]+>)( <[^<>\\s]+>)*")) throw new Invalid("compose.error.messageIds", field);
        return v;
    }

    Built build(Draft d, boolean requireRecipients) throws Invalid, IOException {
        rejectLineBreaks("compose.subject", d.subject());
        List<Mailbox> to = addresses("compose.to", d.to()), cc = addresses("compose.cc", d.cc()), bcc = addresses("compose.bcc", d.bcc());
        String inReplyTo = messageIds("In-Reply-To", d.inReplyTo()), references = messageIds("References", d.references());
        if (requireRecipients && to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) throw new Invalid("compose.error.noRecipient");
        for (Upload u : d.uploads()) rejectLineBreaks("compose.fileName", u.filename());

        List<Mailbox> from;
        try {
            from = addresses("From", d.from());
        } catch (Invalid e) {
            throw new Invalid("compose.error.notAddress", "From", d.from());
        }
        if (from.size() != 1) throw new Invalid("compose.error.notAddress", "From", d.from());
        // Address fields are written by AddressLists.format: UTF-8 addresses as they are (RFC 6532), not quoted.
        Message.Builder message = Message.Builder.of().addField(new RawField("From", AddressLists.format(from)));
        message.setDate(new Date())
                .setMessageId("<" + UUID.randomUUID() + "@" + hostname + ">")
                .addField(new RawField("Subject", subject(d.subject() == null ? "" : d.subject())));
        if (!to.isEmpty()) message.addField(new RawField("To", AddressLists.format(to)));
        if (!cc.isEmpty()) message.addField(new RawField("Cc", AddressLists.format(cc)));
        if (!bcc.isEmpty()) message.addField(new RawField("Bcc", AddressLists.format(bcc)));
        if (inReplyTo != null) message.addField(new RawField("In-Reply-To", inReplyTo));
        if (references != null) message.addField(new RawField("References", references));
        message.addField(new RawField("MIME-Version", "1.0"));
        message.addField(new RawField("User-Agent", "Estafeta webmail"));
        String body = LineEnds.crlf(d.body() == null ? "" : d.body());
        // Every line ends in CRLF (RFC 5322 §2.3), the last one too: SMTP would add it on the way
        // (RFC 5321 §4.1.1.4), and the Sent copy is then the same bytes the recipients get.
        if (!body.endsWith("\r\n")) body += "\r\n";
        BasicBodyFactory bodies = BasicBodyFactory.INSTANCE;
        if (d.uploads().isEmpty() && d.forwarded() == null) {
            message.setBody(bodies.textBody(body, StandardCharsets.UTF_8))
                    .setContentType("text/plain", new NameValuePair("charset", "UTF-8"))
                    .setContentTransferEncoding("quoted-printable");
        } else {
            MultipartBuilder mixed = MultipartBuilder.create("mixed");
            mixed.addBodyPart(BodyPartBuilder.create().setBody(bodies.textBody(body, StandardCharsets.UTF_8))
                    .setContentType("text/plain", new NameValuePair("charset", "UTF-8"))
                    .setContentTransferEncoding("quoted-printable"));
            if (d.forwarded() != null) {
                mixed.addBodyPart(BodyPartBuilder.create().setBody(bodies.binaryBody(d.forwarded()))
                        .setContentType("message/rfc822").setContentDisposition("attachment", "forwarded.eml")
                        .setContentTransferEncoding("8bit"));
            }
            for (Upload u : d.uploads()) {
                String type = u.contentType() == null || !u.contentType().matches("[\\w.+-]+/[\\w.+-]+") ? "application/octet-stream" : u.contentType();
                mixed.addBodyPart(BodyPartBuilder.create().setBody(bodies.binaryBody(u.content()))
                        .setContentType(type).setContentDisposition("attachment", Downloads.safeFilename(u.filename()))
                        .setContentTransferEncoding("base64"));
            }
            message.setBody(mixed.build());
        }
        Message built = message.build();
        byte[] withBcc = write(built);
        built.getHeader().removeFields("Bcc");
        byte[] withoutBcc = write(built);
        List<String> recipients = new ArrayList<>();
        for (List<Mailbox> list : List.of(to, cc, bcc)) for (Mailbox m : list) if (!recipients.contains(m.getAddress())) recipients.add(m.getAddress());
        return new Built(withBcc, withoutBcc, recipients);
    }

    /**
     * The subject as RFC 2047 encoded words in UTF-8 when it is not plain ASCII. Mime4j's own choice
     * is the smallest charset that fits (ISO-8859-1 for Spanish), which some readers show wrongly
     * and which cannot mix with other scripts; UTF-8 is what RFC 6532 era mail expects. "Subject: "
     * takes 9 of the first line's 76 characters (RFC 2047 §2).
     */
    static String subject(String text) {
        if (!EncoderUtil.hasToBeEncoded(text, 9)) return text;
        return EncoderUtil.encodeEncodedWord(text, EncoderUtil.Usage.TEXT_TOKEN, 9, StandardCharsets.UTF_8, null);
    }

    private static byte[] write(Message m) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DefaultMessageWriter().writeMessage(m, out);
        return out.toByteArray();
    }
}
