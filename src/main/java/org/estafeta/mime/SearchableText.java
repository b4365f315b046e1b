package org.estafeta.mime;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The text a search looks in, lower case: the decoded values of the header fields, one per line, and
 * the decoded text of the text parts with HTML tags taken out. IMAP SEARCH (TEXT, BODY), the webmail's
 * search and the full-text index all use this one extraction, so that they find the same messages.
 *
 * @param header the header field values, RFC 2047 words decoded, one field per line
 * @param body the text parts, transfer encoding and charset undone, tags out of text/html, one part per line
 */
public record SearchableText(String header, String body) {

    /** Text read per part; beyond it a part is not searched further. */
    public static final int MAX_PART_TEXT = 8 * 1024 * 1024;

    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    /** Reads {@code length} bytes of the message from {@code offset}. */
    @FunctionalInterface
    public interface Source {
        byte[] read(long offset, int length) throws IOException;
    }

    public static SearchableText of(MimePart root, Source message) throws IOException {
        StringBuilder header = new StringBuilder();
        // Unfolded (RFC 5322 §2.2.3), one field per line.
        for (Headers.Field f : root.headers().fields()) {
            header.append(PartContent.decodeHeader(f.value()).replace("\r", "").replace("\n", "")).append('\n');
        }
        StringBuilder body = new StringBuilder();
        for (MimePart p : PartContent.textLeaves(root)) {
            String text = PartContent.text(p, message.read(p.bodyStart(), (int) Math.min(p.bodySize(), MAX_PART_TEXT)));
            if (p.subtype().equals("html")) text = TAG.matcher(text).replaceAll(" ");
            body.append(text).append('\n');
        }
        return new SearchableText(lower(header.toString()), lower(body.toString()));
    }

    /** Whether a header field value contains {@code needle} (already {@link #lower lower case}). */
    public boolean headerContains(String needle) {
        // Field by field, so that a needle never spans two fields.
        for (String field : header.split("\n", -1)) if (field.contains(needle)) return true;
        return false;
    }

    public boolean bodyContains(String needle) {
        return body.contains(needle);
    }

    /** The case folding every search uses (RFC 9051 §6.4.4: case-insensitive). */
    public static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
