package org.estafeta.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.mime.PartContent;

/**
 * A stored message taken apart for reading: decoded header fields, the text/plain and text/html bodies
 * (the first of each that is not an attachment), and every other leaf as an attachment with its part
 * path ({@code 2.1}, as in IMAP section numbers).
 */
final class RenderedMessage {

    /** Parts bigger than this are not shown inline as text (they can still be downloaded). */
    private static final int MAX_TEXT = 2 * 1024 * 1024;

    record Part(String path, MimePart part, String filename, String contentId) {
        String type() {
            return part.type() + "/" + part.subtype();
        }
    }

    final byte[] bytes;
    final MimePart root;
    Part plain;
    Part html;
    final List<Part> attachments = new ArrayList<>();

    private RenderedMessage(byte[] bytes, MimePart root) {
        this.bytes = bytes;
        this.root = root;
    }

    static RenderedMessage of(byte[] bytes, int maxParts) throws IOException {
        RenderedMessage m = new RenderedMessage(bytes, MimeParser.parse(new ByteArrayInputStream(bytes), maxParts));
        m.walk(m.root, List.of(), m.root.isMultipart() ? "" : "1");
        return m;
    }

    private void walk(MimePart p, List<Integer> path, String name) {
        if (p.isMultipart()) {
            for (int i = 0; i < p.children().size(); i++) {
                List<Integer> child = new ArrayList<>(path);
                child.add(i + 1);
                walk(p.children().get(i), child, join(child));
            }
            return;
        }
        String disposition = PartContent.disposition(p);
        String filename = PartContent.filename(p);
        boolean attachment = "attachment".equals(disposition) || (filename != null && !p.type().equals("text"));
        String cid = p.headers() == null ? null : p.headers().get("Content-ID");
        if (cid != null) cid = cid.strip().replaceAll("^<|>$", "");
        Part part = new Part(name.isEmpty() ? "1" : name, p, filename, cid);
        if (!attachment && p.type().equals("text") && p.subtype().equals("plain") && plain == null) {
            plain = part;
        } else if (!attachment && p.type().equals("text") && p.subtype().equals("html") && html == null) {
            html = part;
        } else {
            attachments.add(part);
        }
    }

    private static String join(List<Integer> path) {
        return String.join(".", path.stream().map(String::valueOf).toList());
    }

    /** The part at a path such as {@code 2.1}, or null. */
    Part part(String path) {
        if (!path.matches("\\d+(\\.\\d+)*")) return null;
        for (Part p : attachments) if (p.path().equals(path)) return p;
        if (plain != null && plain.path().equals(path)) return plain;
        if (html != null && html.path().equals(path)) return html;
        return null;
    }

    Part byContentId(String cid) {
        for (Part p : attachments) if (cid.equals(p.contentId())) return p;
        return null;
    }

    byte[] decoded(Part p) throws IOException {
        MimePart m = p.part();
        return PartContent.decode(m, Arrays.copyOfRange(bytes, (int) m.bodyStart(), (int) m.end()));
    }

    String text(Part p) throws IOException {
        MimePart m = p.part();
        int end = (int) Math.min(m.end(), m.bodyStart() + MAX_TEXT);
        return PartContent.text(m, Arrays.copyOfRange(bytes, (int) m.bodyStart(), end));
    }

    String header(String name) {
        String v = root.headers().get(name);
        return v == null ? "" : PartContent.decodeHeader(v).strip();
    }

    /** The raw (undecoded) value, for Message-ID and References. */
    String rawHeader(String name) {
        String v = root.headers().get(name);
        return v == null ? "" : v.strip();
    }

    long partSize(Part p) {
        return p.part().bodySize();
    }
}
