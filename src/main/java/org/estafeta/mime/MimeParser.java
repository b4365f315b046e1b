package org.estafeta.mime;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Finds the MIME tree of a message in one streaming pass, recording the offsets of every header and
 * body (RFC 2045/2046). Lenient like real mail: missing blank lines, missing close delimiters and
 * bare LF line ends all give a usable tree.
 */
public final class MimeParser {

    /** Header bytes kept per entity; the rest of a huge header still counts for offsets. */
    private static final int MAX_HEADER = 256 * 1024;
    /** Nesting beyond this is treated as opaque content. */
    private static final int MAX_DEPTH = 40;
    /**
     * Parts beyond this many are opaque content of their multipart: one 11 MB message of 200,000
     * empty parts otherwise makes a 14 MB BODYSTRUCTURE and over a gigabyte of heap, while real
     * mail has tens of parts. The whole message stays intact and fetchable; only its tree is cut.
     * Configured as limits.mime_parts; every parse of one server must use the same cap, or part
     * numbers in a cached BODYSTRUCTURE would not match those a FETCH BODY[n] finds.
     */
    public static final int DEFAULT_MAX_PARTS = 10_000;

    /** Entities parsed at most, the message itself included. */
    private final int maxParts;
    /** Entities made so far, the message itself included. */
    private int parts;

    private final InputStream in;
    /** Offset of the next unread byte. */
    private long offset;
    /** A line read but not consumed (a boundary seen by an inner part). */
    private byte[] peeked;
    /** Length of the line terminator of the last consumed line (to give the CRLF before a boundary to it). */
    private int lastEnding;
    /** The last consumed line was only a line end. */
    private boolean lastBlank;
    /** Consumed lines that ended in LF. */
    private long consumedLines;
    private final List<byte[]> boundaries = new ArrayList<>();

    /**
     * Read-ahead: buf[pos..limit) is read but not yet split into lines. As large as the longest piece
     * {@link #readLine} returns; a larger one was zeroed on every parse, twice per arriving message.
     */
    private final byte[] buf = new byte[8 * 1024];
    private int pos, limit;

    private MimeParser(InputStream in, int maxParts) {
        this.in = in;
        this.maxParts = maxParts;
    }

    /** The tree with at most {@link #DEFAULT_MAX_PARTS} parts (tests and tools; the server passes its limit). */
    public static MimePart parse(InputStream in) throws IOException {
        return parse(in, DEFAULT_MAX_PARTS);
    }

    /** The tree with at most {@code maxParts} entities (the message itself counts); later parts are opaque. */
    public static MimePart parse(InputStream in, int maxParts) throws IOException {
        if (maxParts < 1) throw new IllegalArgumentException("maxParts must be positive");
        return new MimeParser(in, maxParts).entity(false, 0);
    }

    /** Only the top-level header, reading no further than its end. */
    public static MimePart parseHeader(InputStream in) throws IOException {
        MimeParser p = new MimeParser(in, 1);
        MimePart part = new MimePart();
        p.header(part, false);
        part.end = part.bodyStart;
        return part;
    }

    private MimePart entity(boolean inDigest, int depth) throws IOException {
        parts++;
        MimePart part = new MimePart();
        header(part, inDigest);
        String boundary = part.param("boundary");
        if (part.isMultipart() && boundary != null && !boundary.isEmpty() && depth < MAX_DEPTH) {
            multipart(part, ("--" + boundary).getBytes(StandardCharsets.UTF_8), depth);
        } else if (part.type.equals("message") && (part.subtype.equals("rfc822") || part.subtype.equals("global")) && depth < MAX_DEPTH) {
            long startLine = consumedLines;
            part.message = entity(false, depth + 1);
            finish(part, startLine);
            clamp(part.message, part.end);
        } else {
            long startLine = consumedLines;
            while (true) {
                byte[] line = peek();
                if (line == null || boundaryIndex(line) >= 0) break;
                consume();
            }
            finish(part, startLine);
        }
        return part;
    }

    /** Sets where the body ends and how many lines it has (a last line without its end counts too). */
    private void finish(MimePart part, long startLine) {
        boolean trimmed = peeked != null && lastEnding > 0 && offset - lastEnding >= part.bodyStart;
        part.end = trimmed ? offset - lastEnding : offset;
        long lines = consumedLines - startLine - (trimmed ? 1 : 0);
        boolean endsWithLf = trimmed ? lastBlank : lastEnding > 0;
        if (part.end > part.bodyStart && !endsWithLf) lines++;
        part.lines = Math.max(lines, 0);
    }

    private void header(MimePart part, boolean inDigest) throws IOException {
        part.headerStart = offset;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        boolean cutByBoundary = false;
        while (true) {
            byte[] line = peek();
            if (line == null) break;
            if (boundaryIndex(line) >= 0) {
                cutByBoundary = true;
                break;
            }
            consume();
            if (header.size() < MAX_HEADER) header.write(line, 0, line.length);
            if (isBlank(line)) break;
        }
        // A header cut short by a boundary gives its last line end to the delimiter (RFC 2046 §5.1.1:
        // the CRLF before a boundary belongs to it), as a body does in finish(); otherwise an empty
        // body would start, and end, after the enclosing part's end.
        boolean trimmed = cutByBoundary && lastEnding > 0 && offset - lastEnding >= part.headerStart;
        part.bodyStart = trimmed ? offset - lastEnding : offset;
        part.headers = new Headers(header.toByteArray());
        part.contentType(part.headers.get("Content-Type"), inDigest);
    }

    private void multipart(MimePart part, byte[] delimiter, int depth) throws IOException {
        boundaries.add(delimiter);
        int mine = boundaries.size() - 1;
        boolean digest = part.subtype.equals("digest");
        boolean closed = false;
        while (true) {
            byte[] line = peek();
            if (line == null) break;
            int which = boundaryIndex(line);
            if (which == mine && !closed) {
                consume();
                if (isClose(line, delimiter)) {
                    closed = true;
                    continue;
                }
                // Past the cap the rest of this multipart is read as its content, unparsed.
                if (parts < maxParts) part.children.add(entity(digest, depth + 1));
            } else if (which >= 0 && which < mine) {
                break;
            } else {
                consume();
            }
        }
        boundaries.removeLast();
        boolean trimmed = peeked != null && lastEnding > 0 && offset - lastEnding >= part.bodyStart;
        part.end = trimmed ? offset - lastEnding : offset;
        for (MimePart child : part.children) clamp(child, part.end);
    }

    /**
     * Keeps a part inside its parent: the parent gives the line end before the next boundary to the
     * delimiter, but a nested part that ended on that same line end (an empty body after a header
     * whose blank line is that line end) still counts it. Only parts past {@code limit} change.
     */
    private static void clamp(MimePart p, long limit) {
        if (p == null || p.end <= limit) return;
        p.end = limit;
        p.bodyStart = Math.min(p.bodyStart, limit);
        p.headerStart = Math.min(p.headerStart, p.bodyStart);
        for (MimePart child : p.children) clamp(child, limit);
        clamp(p.message, limit);
    }

    /** Which open boundary the line is (innermost last), or -1. */
    private int boundaryIndex(byte[] line) {
        if (line.length < 2 || line[0] != '-' || line[1] != '-') return -1;
        for (int i = boundaries.size() - 1; i >= 0; i--) {
            byte[] b = boundaries.get(i);
            if (line.length >= b.length && Arrays.equals(line, 0, b.length, b, 0, b.length)) {
                // The delimiter may be followed only by "--", white space and the line end.
                int j = b.length;
                if (j + 1 < line.length && line[j] == '-' && line[j + 1] == '-') j += 2;
                while (j < line.length && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n')) j++;
                if (j == line.length) return i;
            }
        }
        return -1;
    }

    private static boolean isClose(byte[] line, byte[] delimiter) {
        return line.length >= delimiter.length + 2 && line[delimiter.length] == '-' && line[delimiter.length + 1] == '-';
    }

    private static boolean isBlank(byte[] line) {
        return line.length == 1 && line[0] == '\n' || line.length == 2 && line[0] == '\r' && line[1] == '\n';
    }

    private byte[] peek() throws IOException {
        if (peeked == null) peeked = readLine();
        return peeked;
    }

    private void consume() {
        byte[] line = peeked;
        peeked = null;
        offset += line.length;
        lastEnding = line[line.length - 1] != '\n' ? 0 : line.length >= 2 && line[line.length - 2] == '\r' ? 2 : 1;
        lastBlank = line.length == lastEnding;
        if (lastEnding > 0) consumedLines++;
    }

    /**
     * The next line with its terminator, or null at the end. Long lines come in pieces of at most
     * 8 KiB, which cannot be mistaken for a boundary (boundaries are at most 70 characters).
     */
    private byte[] readLine() throws IOException {
        ByteArrayOutputStream line = null;
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n <= 0) return line == null || line.size() == 0 ? null : line.toByteArray();
                pos = 0;
                limit = n;
            }
            int start = pos;
            int room = 8192 - (line == null ? 0 : line.size());
            int end = Math.min(limit, start + room);
            int lf = -1;
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    lf = i;
                    break;
                }
            }
            int stop = lf >= 0 ? lf + 1 : end;
            pos = stop;
            if (line == null && (lf >= 0 || stop - start == room)) return java.util.Arrays.copyOfRange(buf, start, stop);
            if (line == null) line = new ByteArrayOutputStream(256);
            line.write(buf, start, stop - start);
            if (lf >= 0 || line.size() >= 8192) return line.toByteArray();
        }
    }
}
