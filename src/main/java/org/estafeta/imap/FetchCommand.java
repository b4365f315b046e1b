package org.estafeta.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.estafeta.imap.ImapSession.Done;
import org.estafeta.mime.Headers;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.MimePart;
import org.estafeta.store.Flag;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.MessageSummaries;
import org.estafeta.store.MessageSummary;
import org.estafeta.store.BlobUnreadable;
import org.estafeta.store.Messages;

/**
 * FETCH and UID FETCH (RFC 9051 §6.4.5), with BINARY (RFC 3516) and CONDSTORE/QRESYNC modifiers
 * (RFC 7162). Message content is streamed from the blob: a section is located by one streaming MIME
 * pass, then its byte range is copied to the client, so a large message is never held in memory.
 */
final class FetchCommand {

    static final DateTimeFormatter INTERNALDATE = DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

    private FetchCommand() {
    }

    /** One thing to fetch. */
    sealed interface Item permits Simple, Section, BinarySize {
    }

    /** FLAGS, UID, ENVELOPE and the other items without sections. */
    record Simple(String name) implements Item {
    }

    /**
     * BODY[...] / BINARY[...]: {@code path} names the part ([] for the message), {@code text} is "",
     * HEADER, HEADER.FIELDS, HEADER.FIELDS.NOT, TEXT or MIME; {@code label} is how the response names it.
     */
    record Section(boolean peek, boolean binary, List<Integer> path, String text, List<String> fields, long start,
                   long length, String label) implements Item {
        boolean setsSeen() {
            return !peek;
        }
    }

    record BinarySize(List<Integer> path, String label) implements Item {
    }

    static Done fetch(ImapSession s, ImapReader r, boolean byUid) throws ImapException, IOException {
        r.sp();
        SequenceSet set = r.sequenceSet();
        r.sp();
        List<Item> items = items(r);
        long changedSince = -1;
        boolean vanished = false;
        if (r.take(' ')) {
            r.expect('(');
            do {
                if (r.takeKeyword("CHANGEDSINCE")) {
                    r.sp();
                    changedSince = r.number();
                } else if (r.takeKeyword("VANISHED")) {
                    if (!byUid || !s.qresync) throw ImapException.bad("VANISHED needs UID FETCH and QRESYNC");
                    vanished = true;
                } else {
                    throw ImapException.bad("Unknown FETCH modifier");
                }
            } while (r.take(' '));
            r.expect(')');
            if (vanished && changedSince < 0) throw ImapException.bad("VANISHED needs CHANGEDSINCE");
        }
        r.end();
        if (changedSince >= 0 || items.stream().anyMatch(i -> i instanceof Simple(String n) && n.equals("MODSEQ"))) {
            s.enableCondstore();
        }
        SelectedMailbox view = s.selected;
        List<Integer> indexes = view.resolve(set, byUid, s.savedSearch);
        if (byUid && items.stream().noneMatch(i -> i instanceof Simple(String n) && n.equals("UID"))) items.addFirst(new Simple("UID"));
        if (s.condstore && changedSince >= 0 && items.stream().noneMatch(i -> i instanceof Simple(String n) && n.equals("MODSEQ"))) {
            items.add(new Simple("MODSEQ"));
        }
        if (vanished) {
            // "*" here reaches past the last UID: expunged UIDs may be higher than any left (RFC 7162 §3.2.6).
            long star = Long.MAX_VALUE - 1;
            List<Long> gone = s.services.messages().expungedSince(view.mailbox().id(), changedSince).stream()
                    .filter(u -> set.saved() || set.contains(u, star)).toList();
            if (!gone.isEmpty()) s.out.untagged("VANISHED (EARLIER) " + SequenceSet.format(gone));
        }
        if (changedSince >= 0) {
            long cs = changedSince;
            indexes = indexes.stream().filter(i -> view.get(i).modSeq() > cs).toList();
        }
        if (indexes.isEmpty()) return Done.ok("FETCH completed");

        // \Seen is set by BODY[...] and RFC822(.TEXT), never by .PEEK (RFC 9051 §6.4.5).
        boolean setsSeen = !view.readOnly && items.stream().anyMatch(i -> i instanceof Section sec && sec.setsSeen());
        java.util.Set<Long> flagsChanged = new java.util.HashSet<>();
        if (setsSeen) {
            List<Long> unseen = new ArrayList<>();
            for (int i : indexes) if (!view.get(i).has(Flag.SEEN)) unseen.add(view.get(i).uid());
            if (!unseen.isEmpty()) {
                for (MessageInfo m : s.services.messages().setFlags(view.mailbox().id(), unseen, Messages.Mode.ADD,
                        Flag.SEEN.bit(), List.of(), -1).changed()) {
                    view.update(m);
                    flagsChanged.add(m.uid());
                }
            }
        }

        boolean needsStructure = items.stream().anyMatch(i -> i instanceof Simple(String n)
                && (n.equals("ENVELOPE") || n.equals("BODY") || n.equals("BODYSTRUCTURE")));
        Map<Long, MessageSummary> summaries = needsStructure
                ? new MessageSummaries(s.services.messages(), s.services.blobs(), s.settings.mimeParts())
                        .of(view.mailbox().id(), indexes.stream().map(view::get).toList())
                : Map.of();
        for (int i : indexes) {
            MessageInfo m = view.get(i);
            MessageStructure structure = null;
            if (needsStructure) {
                MessageSummary summary = summaries.get(m.uid());
                // Its content could not be read to make one: NO [SERVERBUG], as any unreadable content.
                if (summary == null) throw new BlobUnreadable(m.blob(), null);
                structure = summary.structure();
            }
            writeMessage(s, view, i + 1, m, items, structure, flagsChanged.contains(m.uid()));
        }
        return Done.ok("FETCH completed");
    }

    private static void writeMessage(ImapSession s, SelectedMailbox view, int seq, MessageInfo m, List<Item> items,
                                     MessageStructure structure, boolean flagsChanged) throws IOException, ImapException {
        if (items.stream().anyMatch(i -> i instanceof Section || i instanceof BinarySize)) {
            // Open the body before the response starts: one that cannot be read is then NO [SERVERBUG]
            // and the session goes on, instead of a response broken off in the middle.
            s.services.blobs().open(m.blob()).close();
        }
        ImapWriter out = s.out;
        boolean flagsRequested = items.stream().anyMatch(i -> i instanceof Simple(String n) && n.equals("FLAGS"));
        if (flagsChanged || flagsRequested) view.announceKeywords(s, m);
        out.raw("* " + seq + " FETCH (");
        boolean first = true;
        if (flagsChanged && !flagsRequested) {
            out.raw(view.flagsItem(s, m));
            first = false;
        }
        MimePart tree = null;
        // Top-level HEADER and TEXT need only the header's end: reading it is cheap even for a huge message.
        boolean fullTree = false;
        for (Item item : items) {
            if (!first) out.raw(" ");
            first = false;
            switch (item) {
                case Simple(String name) -> out.raw(switch (name) {
                    case "UID" -> "UID " + m.uid();
                    case "FLAGS" -> view.flagsItem(s, m);
                    case "INTERNALDATE" -> "INTERNALDATE \"" + INTERNALDATE.format(m.internalDate().atOffset(ZoneOffset.UTC)) + "\"";
                    case "RFC822.SIZE" -> "RFC822.SIZE " + m.size();
                    case "MODSEQ" -> "MODSEQ (" + m.modSeq() + ")";
                    case "ENVELOPE" -> "ENVELOPE " + envelope(s, structure);
                    case "BODY" -> "BODY " + ImapStructure.body(structure.body(), false);
                    case "BODYSTRUCTURE" -> "BODYSTRUCTURE " + ImapStructure.body(structure.body(), true);
                    default -> throw new IllegalStateException(name);
                });
                case Section sec -> {
                    if (!fullTree && (!sec.path().isEmpty() || sec.binary())) {
                        tree = parse(s, m);
                        fullTree = true;
                    } else if (tree == null && (sec.text().equals("TEXT") || sec.text().startsWith("HEADER"))) {
                        tree = parseHeader(s, m);
                    }
                    section(s, m, sec, tree);
                }
                case BinarySize bs -> {
                    if (!fullTree) {
                        tree = parse(s, m);
                        fullTree = true;
                    }
                    byte[] decoded = decoded(s, m, bs.path(), tree);
                    out.raw(bs.label() + " " + decoded.length);
                }
            }
        }
        out.raw(")\r\n");
    }

    /**
     * The ENVELOPE as sent, which may hold UTF-8 (RFC 6532); for a client that has enabled neither
     * UTF8=ACCEPT nor IMAP4rev2, a downgraded one (RFC 6855 §3, RFC 6858 §3).
     */
    private static String envelope(ImapSession s, MessageStructure structure) {
        String sent = ImapStructure.envelope(structure.envelope(), true);
        if (s.utf8 || s.rev2 || sent.chars().allMatch(c -> c < 0x80)) return sent;
        return ImapStructure.envelope(structure.envelope(), false);
    }

    private static MimePart parseHeader(ImapSession s, MessageInfo m) throws IOException {
        try (InputStream in = s.services.blobs().open(m.blob())) {
            return MimeParser.parseHeader(in);
        }
    }

    private static MimePart parse(ImapSession s, MessageInfo m) throws IOException {
        try (InputStream in = s.services.blobs().open(m.blob())) {
            return MimeParser.parse(in, s.settings.mimeParts());
        }
    }

    /** Writes one BODY[...] / BINARY[...] item: its label and the bytes as a literal. */
    private static void section(ImapSession s, MessageInfo m, Section sec, MimePart tree) throws IOException, ImapException {
        ImapWriter out = s.out;
        if (sec.binary()) {
            byte[] data = decoded(s, m, sec.path(), tree);
            byte[] slice = slice(data, sec);
            out.raw(sec.label() + " ");
            boolean hasNul = false;
            for (byte b : slice) if (b == 0) { hasNul = true; break; }
            out.literal(new ByteArrayInputStream(slice), slice.length, hasNul);
            return;
        }
        long from, to;
        byte[] inMemory = null;
        if (sec.path().isEmpty() && sec.text().isEmpty()) {
            from = 0;
            to = m.size();
        } else {
            MimePart part = tree.part(sec.path());
            if (part == null) {
                // RFC 9051 §6.4.5: a section that does not exist is empty, not an error.
                out.raw(sec.label() + " \"\"");
                return;
            }
            MimePart message = sec.path().isEmpty() ? tree : part.message();
            switch (sec.text()) {
                case "" -> {
                    from = part.bodyStart();
                    to = part.end();
                }
                case "MIME" -> {
                    from = part.headerStart();
                    to = part.bodyStart();
                }
                case "HEADER", "TEXT", "HEADER.FIELDS", "HEADER.FIELDS.NOT" -> {
                    if (message == null) {
                        out.raw(sec.label() + " \"\"");
                        return;
                    }
                    if (sec.text().equals("TEXT")) {
                        from = message.bodyStart();
                        to = sec.path().isEmpty() ? m.size() : message.end();
                    } else if (sec.text().equals("HEADER")) {
                        from = message.headerStart();
                        to = message.bodyStart();
                    } else {
                        Headers h = message.headers();
                        inMemory = h.select(sec.fields(), sec.text().equals("HEADER.FIELDS.NOT"));
                        from = 0;
                        to = inMemory.length;
                    }
                }
                default -> throw new IllegalStateException(sec.text());
            }
        }
        long size = to - from;
        long start = Math.min(Math.max(sec.start(), 0), size);
        long length = sec.length() < 0 ? size - start : Math.min(sec.length(), size - start);
        out.raw(sec.label() + " ");
        if (inMemory != null) {
            out.literal(new ByteArrayInputStream(inMemory, (int) start, (int) length), length, false);
            return;
        }
        try (InputStream in = s.services.blobs().open(m.blob())) {
            in.skipNBytes(from + start);
            out.literal(in, length, false);
        }
    }

    private static byte[] slice(byte[] data, Section sec) {
        int start = (int) Math.min(Math.max(sec.start(), 0), data.length);
        int length = sec.length() < 0 ? data.length - start : (int) Math.min(sec.length(), data.length - start);
        return java.util.Arrays.copyOfRange(data, start, start + length);
    }

    /** A part's content with its Content-Transfer-Encoding undone (RFC 3516); [UNKNOWN-CTE] otherwise. */
    private static byte[] decoded(ImapSession s, MessageInfo m, List<Integer> path, MimePart tree) throws IOException, ImapException {
        MimePart part = path.isEmpty() ? tree : tree.part(path);
        if (part == null) return new byte[0];
        long from = path.isEmpty() ? 0 : part.bodyStart();
        long to = path.isEmpty() ? m.size() : part.end();
        if (to - from > s.settings.literalLimit()) throw ImapException.no("LIMIT", "Part too large to decode");
        byte[] raw;
        try (InputStream in = s.services.blobs().open(m.blob())) {
            in.skipNBytes(from);
            raw = in.readNBytes((int) (to - from));
        }
        if (path.isEmpty()) return raw;
        String cte = part.headers().get("Content-Transfer-Encoding");
        cte = cte == null ? "7bit" : cte.strip().toLowerCase(Locale.ROOT);
        return switch (cte) {
            case "7bit", "8bit", "binary" -> raw;
            case "base64" -> new Base64InputStream(new ByteArrayInputStream(raw)).readAllBytes();
            case "quoted-printable" -> new QuotedPrintableInputStream(new ByteArrayInputStream(raw)).readAllBytes();
            default -> throw ImapException.no("UNKNOWN-CTE", "Unknown Content-Transfer-Encoding");
        };
    }

    // --- parsing ---

    private static List<Item> items(ImapReader r) throws ImapException, IOException {
        List<Item> items = new ArrayList<>();
        if (r.take('(')) {
            do {
                items.add(item(r));
            } while (r.take(' '));
            r.expect(')');
            return items;
        }
        if (r.takeKeyword("ALL")) return macro("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE");
        if (r.takeKeyword("FAST")) return macro("FLAGS", "INTERNALDATE", "RFC822.SIZE");
        if (r.takeKeyword("FULL")) return macro("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY");
        items.add(item(r));
        return items;
    }

    private static List<Item> macro(String... names) {
        List<Item> items = new ArrayList<>();
        for (String n : names) items.add(new Simple(n));
        return items;
    }

    private static Item item(ImapReader r) throws ImapException, IOException {
        String name = sectionlessName(r);
        switch (name) {
            case "FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODYSTRUCTURE", "UID", "MODSEQ" -> {
                return new Simple(name);
            }
            case "RFC822" -> {
                return new Section(false, false, List.of(), "", List.of(), 0, -1, "RFC822");
            }
            case "RFC822.HEADER" -> {
                return new Section(true, false, List.of(), "HEADER", List.of(), 0, -1, "RFC822.HEADER");
            }
            case "RFC822.TEXT" -> {
                return new Section(false, false, List.of(), "TEXT", List.of(), 0, -1, "RFC822.TEXT");
            }
            case "BODY" -> {
                if (!r.peekIs('[')) return new Simple("BODY");
                return section(r, false, false);
            }
            case "BODY.PEEK" -> {
                return section(r, true, false);
            }
            case "BINARY", "BINARY.PEEK" -> {
                return section(r, name.endsWith(".PEEK"), true);
            }
            case "BINARY.SIZE" -> {
                r.expect('[');
                List<Integer> path = path(r);
                r.expect(']');
                return new BinarySize(path, "BINARY.SIZE[" + join(path) + "]");
            }
            default -> throw ImapException.bad("Unknown FETCH item " + ImapWriter.sanitize(name));
        }
    }

    /** The item name up to "[" or the end of the atom. */
    private static String sectionlessName(ImapReader r) throws ImapException {
        String name = r.atomUntil('[');
        if (name.isEmpty()) throw ImapException.bad("Expected a FETCH item");
        return name.toUpperCase(Locale.ROOT);
    }

    private static Section section(ImapReader r, boolean peek, boolean binary) throws ImapException, IOException {
        r.expect('[');
        List<Integer> path = path(r);
        String text = "";
        List<String> fields = List.of();
        if (!r.peekIs(']')) {
            if (!path.isEmpty()) r.expect('.');
            if (binary) throw ImapException.bad("BINARY takes only a part number");
            if (r.takeKeyword("HEADER.FIELDS.NOT")) text = "HEADER.FIELDS.NOT";
            else if (r.takeKeyword("HEADER.FIELDS")) text = "HEADER.FIELDS";
            else if (r.takeKeyword("HEADER")) text = "HEADER";
            else if (r.takeKeyword("TEXT")) text = "TEXT";
            else if (r.takeKeyword("MIME") && !path.isEmpty()) text = "MIME";
            else throw ImapException.bad("Invalid section");
            if (text.startsWith("HEADER.FIELDS")) {
                r.sp();
                r.expect('(');
                fields = new ArrayList<>();
                do {
                    fields.add(r.astring().toUpperCase(Locale.ROOT));
                } while (r.take(' '));
                r.expect(')');
            }
        }
        r.expect(']');
        long start = 0, length = -1;
        String origin = "";
        if (r.take('<')) {
            start = r.number();
            r.expect('.');
            length = r.nzNumber();
            r.expect('>');
            origin = "<" + start + ">";
        }
        String spec = join(path);
        if (!text.isEmpty()) spec = spec.isEmpty() ? text : spec + "." + text;
        if (!fields.isEmpty()) spec += " (" + String.join(" ", fields.stream().map(FetchCommand::astring).toList()) + ")";
        String label = (binary ? "BINARY[" : "BODY[") + spec + "]" + origin;
        return new Section(peek, binary, path, text, fields, start, length, label);
    }

    private static List<Integer> path(ImapReader r) throws ImapException {
        List<Integer> path = new ArrayList<>();
        while (r.peekDigit()) {
            long n = r.nzNumber();
            if (n > 10000) throw ImapException.bad("Invalid part number");
            path.add((int) n);
            if (r.peekIs('.')) {
                r.take('.');
                if (!r.peekDigit()) {
                    // put the dot back for the section text
                    return pathWithText(path, r);
                }
            }
        }
        return path;
    }

    /** After "1.2." comes a section text; the caller expects to read the "." itself, so we hand it back. */
    private static List<Integer> pathWithText(List<Integer> path, ImapReader r) {
        r.unread();
        return path;
    }

    private static String join(List<Integer> path) {
        StringBuilder sb = new StringBuilder();
        for (int n : path) {
            if (!sb.isEmpty()) sb.append('.');
            sb.append(n);
        }
        return sb.toString();
    }

    /** Field names echoed in the label: atoms as they are, anything else quoted. */
    private static String astring(String s) {
        boolean atom = !s.isEmpty() && s.chars().allMatch(c -> ImapReader.isAtomChar(c) && c < 0x7f);
        return atom ? s : ImapSyntax.quoted(s);
    }
}
