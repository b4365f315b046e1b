package org.estafeta.mime;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.james.mime4j.stream.NameValuePair;
import org.apache.james.mime4j.stream.RawBody;
import org.apache.james.mime4j.stream.RawField;
import org.apache.james.mime4j.stream.RawFieldParser;

/**
 * One entity of a message: where its header and body lie in the stored bytes, its header fields, and
 * its children (multipart) or encapsulated message (message/rfc822).
 */
public final class MimePart {

    /** Offset of the header's first byte. */
    long headerStart;
    /** Offset of the body's first byte (after the blank line). */
    long bodyStart;
    /** Offset just past the body (the CRLF before a boundary belongs to the boundary). */
    long end;
    /** Lines of the body (for BODYSTRUCTURE of text parts). */
    long lines;
    Headers headers;
    String type = "text";
    String subtype = "plain";
    List<NameValuePair> params = List.of();
    final List<MimePart> children = new ArrayList<>();
    /** The encapsulated message of a message/rfc822 part. */
    MimePart message;

    public long headerStart() {
        return headerStart;
    }

    public long bodyStart() {
        return bodyStart;
    }

    public long end() {
        return end;
    }

    public long bodySize() {
        return end - bodyStart;
    }

    public Headers headers() {
        return headers;
    }

    public boolean isMultipart() {
        return type.equals("multipart");
    }

    public boolean isMessage() {
        return message != null;
    }

    public List<MimePart> children() {
        return children;
    }

    public MimePart message() {
        return message;
    }

    public String type() {
        return type;
    }

    public String subtype() {
        return subtype;
    }

    /**
     * The part a section number names (RFC 9051 §6.4.5): {@code [2, 1]} is the first part of the second;
     * a non-multipart message has one part, itself; parts of a message/rfc822 are those of the message
     * inside it. Null when there is no such part.
     */
    public MimePart part(List<Integer> path) {
        MimePart p = this;
        boolean top = true;
        for (int n : path) {
            // The first number indexes this message's own parts (its body, when it is not multipart, even
            // when that body is a message/rfc822); later ones go inside an encapsulated message.
            MimePart container = !top && p.message != null ? p.message : p;
            top = false;
            if (container.isMultipart()) {
                if (n < 1 || n > container.children.size()) return null;
                p = container.children.get(n - 1);
            } else {
                if (n != 1) return null;
                p = container;
            }
        }
        return p;
    }

    void contentType(String raw, boolean inDigest) {
        if (raw == null) {
            if (inDigest) {
                type = "message";
                subtype = "rfc822";
            }
            return;
        }
        RawBody body = RawFieldParser.DEFAULT.parseRawBody(new RawField("Content-Type", raw));
        String value = body.getValue() == null ? "" : body.getValue().strip().toLowerCase(Locale.ROOT);
        int slash = value.indexOf('/');
        if (slash > 0 && slash < value.length() - 1) {
            type = value.substring(0, slash).strip();
            subtype = value.substring(slash + 1).strip();
        }
        params = body.getParams();
    }

    /** A Content-Type parameter, or null. */
    String param(String name) {
        for (NameValuePair p : params) if (p.getName().equalsIgnoreCase(name)) return p.getValue();
        return null;
    }
}
