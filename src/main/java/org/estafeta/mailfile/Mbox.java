package org.estafeta.mailfile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.estafeta.store.Flag;

/**
 * Reads an mbox file: each message starts at a line {@code From sender date} (RFC 4155). Two ways of
 * telling where a message ends are in use, and both are read:
 * <ul>
 *   <li>mboxcl2 (Dovecot, mutt): a {@code Content-Length} field gives the body's size, body lines
 *   starting with "From " are not quoted. Taken when the count lands on the next From line or the end
 *   of the file; otherwise the field is ignored as stale.</li>
 *   <li>Quoting (Postfix's local delivery, most others): the next From line ends the message, and the
 *   writer put a {@code >} before body lines starting with "From ". mboxrd also quoted lines that
 *   already started with {@code >+From } (so one {@code >} comes off every such line); mboxo did not
 *   (only {@code >From } loses it, and a line that was {@code >From } in the original cannot be told
 *   apart: the file's writer decides, hence {@link MboxQuoting}).</li>
 * </ul>
 * The fields mbox writers keep their state in (Dovecot's X-IMAP, X-IMAPbase, X-UID, X-Keywords, and
 * Status, X-Status, Content-Length) are removed, as Dovecot hides them, and become flags and keywords.
 */
final class Mbox {

    interface Sink {
        void found(Found message) throws IOException;

        void problem(Problem problem);
    }

    /** mbox metadata, not part of the message (Dovecot's mbox_hide_headers). */
    private static final Set<String> METADATA = Set.of("x-imap", "x-imapbase", "x-uid", "x-keywords", "status", "x-status", "content-length");
    private static final byte[] FROM = "From ".getBytes(StandardCharsets.US_ASCII);
    /** asctime(3) in the From line, with an optional zone before the year: {@code Mon Nov 30 23:39:56 2026}. */
    private static final Pattern DATE = Pattern.compile(
            "([A-Z][a-z]{2}) +([A-Z][a-z]{2}) +(\\d{1,2}) +(\\d{1,2}):(\\d{2})(?::(\\d{2}))?(?: +[A-Za-z+-][A-Za-z0-9]{2,4})? +(\\d{4})");
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("MMM d H:m:s yyyy", Locale.ROOT);

    private Mbox() {
    }

    static void read(Path file, String folder, MboxQuoting quoting, Sink sink) throws IOException {
        String where = file.toString();
        try (FileCursor in = new FileCursor(file)) {
            byte[] line = in.readLine();
            if (line == null) {
                sink.problem(new Problem(where, 0, "empty file"));
                return;
            }
            if (!startsWith(line, FROM)) {
                sink.problem(new Problem(where, 0, "not an mbox file: it does not begin with a \"From \" line"));
                return;
            }
            while (line != null) {
                long start = in.position() - line.length;
                line = message(in, where, folder, start, fromLineDate(line), quoting, sink);
            }
        }
    }

    /** Reads one message after its From line; returns the next From line, or null at the end of the file. */
    private static byte[] message(FileCursor in, String where, String folder, long start, Instant date, MboxQuoting quoting, Sink sink)
            throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<String> metadata = new ArrayList<>();
        boolean dropping = false;
        boolean first = true;
        byte[] line;
        while (true) {
            line = in.readLine();
            if (line == null || startsWith(line, FROM)) {
                sink.problem(new Problem(where, start, "truncated: the message ends inside its header section"));
                return line;
            }
            if (isBlank(line)) break;
            boolean continuation = line[0] == ' ' || line[0] == '\t';
            if (first && (continuation || fieldName(line) == null)) {
                sink.problem(new Problem(where, start, "not a message: no header field after the From line"));
                return skipToNextFrom(in);
            }
            first = false;
            if (!continuation) {
                String name = fieldName(line);
                dropping = name != null && METADATA.contains(name.toLowerCase(Locale.ROOT));
            }
            if (dropping) {
                if (continuation && !metadata.isEmpty()) metadata.set(metadata.size() - 1, metadata.getLast() + text(line));
                else metadata.add(text(line));
            } else {
                content.write(line, 0, line.length);
            }
        }
        content.write(line, 0, line.length);
        long bodyStart = in.position();
        long contentLength = contentLength(metadata);
        if (contentLength >= 0) {
            byte[] body = in.read(contentLength);
            if (body.length < contentLength) {
                sink.problem(new Problem(where, start, "truncated: Content-Length says " + contentLength + " octets, the file has "
                        + body.length));
                in.seek(bodyStart);
                skipToNextFrom(in);
                return null;
            }
            byte[] next = in.readLine();
            // The message ends with the separator line, before the next From line that tells it is one.
            long end = in.position();
            byte[] after = next != null && isBlank(next) ? in.readLine() : next;
            if (next == null || (isBlank(next) && (after == null || startsWith(after, FROM)))) {
                content.write(body, 0, body.length);
                sink.found(found(where, folder, start, end, content.toByteArray(), date, metadata));
                return after == next ? null : after;
            }
            in.seek(bodyStart);
        }
        // Quoted body: ends at the next From line; the empty line before it is the separator, not the message's.
        byte[] pending = null;
        boolean ended = true;
        while ((line = in.readLine()) != null && !startsWith(line, FROM)) {
            if (pending != null) content.write(pending, 0, pending.length);
            pending = unquote(line, quoting);
            ended = line[line.length - 1] == '\n';
        }
        if (!ended) {
            sink.problem(new Problem(where, start, "truncated: the file ends inside the message (no line end)"));
            return null;
        }
        if (pending != null && !isBlank(pending)) content.write(pending, 0, pending.length);
        sink.found(found(where, folder, start, line == null ? in.position() : in.position() - line.length, content.toByteArray(), date,
                metadata));
        return line;
    }

    private static Found found(String where, String folder, long start, long end, byte[] content, Instant date, List<String> metadata) {
        int flags = 0;
        List<String> keywords = new ArrayList<>();
        for (String field : metadata) {
            int colon = field.indexOf(':');
            String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT), value = field.substring(colon + 1).strip();
            switch (name) {
                // RFC-less but universal (mutt, Dovecot, Pine): Status R = read; X-Status A/F/T/D.
                case "status" -> flags |= value.indexOf('R') >= 0 ? Flag.SEEN.bit() : 0;
                case "x-status" -> {
                    if (value.indexOf('A') >= 0) flags |= Flag.ANSWERED.bit();
                    if (value.indexOf('F') >= 0) flags |= Flag.FLAGGED.bit();
                    if (value.indexOf('T') >= 0) flags |= Flag.DRAFT.bit();
                    if (value.indexOf('D') >= 0) flags |= Flag.DELETED.bit();
                }
                case "x-keywords" -> {
                    for (String k : value.split("[\\s,]+")) if (!k.isEmpty()) keywords.add(k);
                }
                default -> {
                    // X-UID, X-IMAP, Content-Length: the importing store has its own
                }
            }
        }
        return new Found(where, folder, start, end, content, date, flags, keywords);
    }

    private static long contentLength(List<String> metadata) {
        for (String field : metadata) {
            int colon = field.indexOf(':');
            if (field.substring(0, colon).strip().equalsIgnoreCase("Content-Length")) {
                try {
                    return Long.parseLong(field.substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static byte[] skipToNextFrom(FileCursor in) throws IOException {
        byte[] line;
        while ((line = in.readLine()) != null && !startsWith(line, FROM)) {
            // the rest of a message that cannot be read
        }
        return line;
    }

    /** Undoes the writer's quoting of a body line. */
    static byte[] unquote(byte[] line, MboxQuoting quoting) {
        int i = 0;
        while (i < line.length && line[i] == '>') i++;
        if (i == 0 || !startsWithAt(line, i, FROM)) return line;
        if (quoting == MboxQuoting.MBOXO && i != 1) return line;
        byte[] out = new byte[line.length - 1];
        System.arraycopy(line, 1, out, 0, out.length);
        return out;
    }

    /** The date of a From line, read as local time (asctime has no zone); null when there is none. */
    static Instant fromLineDate(byte[] line) {
        Matcher m = DATE.matcher(new String(line, StandardCharsets.ISO_8859_1));
        if (!m.find()) return null;
        String s = m.group(2) + " " + m.group(3) + " " + m.group(4) + ":" + m.group(5) + ":" + (m.group(6) == null ? "0" : m.group(6))
                + " " + m.group(7);
        try {
            return LocalDateTime.parse(s, ASCTIME).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The field name of a header line (RFC 5322 §3.6.8: printable ASCII but colon), or null. */
    static String fieldName(byte[] line) {
        int i = 0;
        while (i < line.length && line[i] > 32 && line[i] < 127 && line[i] != ':') i++;
        int end = i;
        while (i < line.length && (line[i] == ' ' || line[i] == '\t')) i++;
        return end > 0 && i < line.length && line[i] == ':' ? new String(line, 0, end, StandardCharsets.US_ASCII) : null;
    }

    private static boolean isBlank(byte[] line) {
        return (line.length == 1 && line[0] == '\n') || (line.length == 2 && line[0] == '\r' && line[1] == '\n');
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.ISO_8859_1).replaceAll("[\r\n]+$", "");
    }

    private static boolean startsWith(byte[] line, byte[] prefix) {
        return startsWithAt(line, 0, prefix);
    }

    private static boolean startsWithAt(byte[] line, int at, byte[] prefix) {
        if (line.length - at < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (line[at + i] != prefix[i]) return false;
        return true;
    }
}
