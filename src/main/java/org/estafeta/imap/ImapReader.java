package org.estafeta.imap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cursor over one IMAP command (RFC 9051 §9 grammar): atoms, quoted strings, literals {@code {n}}
 * and {@code {n+}} (LITERAL+, RFC 7888), lists, numbers, sequence sets, dates. A command spans several
 * lines when it has literals; the {@link Source} reads each literal and the line after it. Handlers
 * call the parsing methods, then {@link #end()}, then act; a syntax error is {@link ImapException.Bad}.
 */
final class ImapReader {

    /** Where literals and the lines after them come from: the session's connection. */
    interface Source {
        /**
         * Copies a literal of {@code n} octets into {@code sink}, first sending a continuation request
         * when {@code sync}, and returns the command line that follows it.
         */
        byte[] literal(long n, boolean sync, OutputStream sink) throws IOException, ImapException;

        /** Reads and drops {@code n} octets the client sends regardless (a refused {n+} literal). */
        void skip(long n) throws IOException;

        /** The next line of the command after a skipped literal; null if the client hung up. */
        byte[] nextLine() throws IOException, ImapException;
    }

    // Month names are case-insensitive ("24-mar-2007"): RFC 9051 §9 date-month is a quoted string
    // matched like every other IMAP keyword.
    private static final DateTimeFormatter DATE_TIME = dateFormat("d-MMM-uuuu HH:mm:ss Z");
    private static final DateTimeFormatter DATE = dateFormat("d-MMM-uuuu");

    private static DateTimeFormatter dateFormat(String pattern) {
        return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern).toFormatter(Locale.ENGLISH)
                .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    }

    private final Source source;
    private byte[] line;
    private int pos;
    /** Largest literal accepted for strings that are kept in memory (names, search text, passwords). */
    private final long stringLimit;
    /**
     * Octets of such literals this command may still hold: a command of thousands of literals, each
     * under the limit, must not fill the heap (limits.imap_command_literals).
     */
    private long literalBudget;

    ImapReader(byte[] line, Source source, long stringLimit, long literalBudget) {
        this.line = line;
        this.source = source;
        this.stringLimit = stringLimit;
        this.literalBudget = literalBudget;
    }

    // --- characters ---

    boolean atEnd() {
        return pos >= line.length;
    }

    int peek() {
        return pos < line.length ? line[pos] & 0xff : -1;
    }

    boolean peekIs(char c) {
        return peek() == c;
    }

    /** Consumes {@code c} if it is next. */
    boolean take(char c) {
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(char c) throws ImapException {
        if (!take(c)) throw ImapException.bad(c == ' ' ? "Missing space" : "Expected '" + c + "'");
    }

    void sp() throws ImapException {
        expect(' ');
    }

    /** Consumes a case-insensitive keyword if it is next (and not the start of a longer atom). */
    boolean takeKeyword(String word) {
        int n = word.length();
        if (pos + n > line.length) return false;
        for (int i = 0; i < n; i++) {
            if (Character.toUpperCase((char) (line[pos + i] & 0xff)) != word.charAt(i)) return false;
        }
        if (pos + n < line.length && isAtomChar(line[pos + n] & 0xff) && word.chars().allMatch(Character::isLetterOrDigit)) return false;
        pos += n;
        return true;
    }

    /** Nothing may follow (RFC 9051: a command ends with CRLF). */
    void end() throws ImapException {
        if (!atEnd()) throw ImapException.bad("Unexpected characters at the end of the command");
    }

    // --- tokens ---

    static boolean isAtomChar(int c) {
        return c > 0x20 && c != 0x7f && c != '(' && c != ')' && c != '{' && c != '%' && c != '*' && c != '"' && c != '\\' && c != ']';
    }

    /** 1*ATOM-CHAR. */
    String atom() throws ImapException {
        int start = pos;
        while (pos < line.length && isAtomChar(line[pos] & 0xff)) pos++;
        if (pos == start) throw ImapException.bad("Expected an atom");
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    /** Atom characters up to {@code stop} (FETCH item names before "["); may be empty. */
    String atomUntil(char stop) {
        int start = pos;
        while (pos < line.length && isAtomChar(line[pos] & 0xff) && line[pos] != stop) pos++;
        return new String(line, start, pos - start, StandardCharsets.US_ASCII);
    }

    /** Steps back one character (after a look-ahead that went one too far). */
    void unread() {
        if (pos > 0) pos--;
    }

    /** A command tag: ASTRING-CHARs except "+". */
    String tag() throws ImapException {
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos] & 0xff) || line[pos] == ']') && line[pos] != '+') pos++;
        if (pos == start) throw ImapException.bad("Missing tag");
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    /** The command name, or "" when the line ends. */
    String verb() {
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos] & 0xff))) pos++;
        return new String(line, start, pos - start, StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
    }

    /** astring = 1*ASTRING-CHAR / string. */
    String astring() throws ImapException, IOException {
        if (peekIs('"') || peekLiteral()) return string();
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos] & 0xff) || line[pos] == ']')) pos++;
        if (pos == start) throw ImapException.bad("Expected a string");
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    /** nstring = string / NIL. */
    String nstring() throws ImapException, IOException {
        if (takeKeyword("NIL")) return null;
        return string();
    }

    /** quoted / literal. */
    String string() throws ImapException, IOException {
        return new String(stringBytes(), StandardCharsets.UTF_8);
    }

    byte[] stringBytes() throws ImapException, IOException {
        if (peek() == '"') return quoted();
        if (peekLiteral()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            literalBudget -= literal(out, Math.min(stringLimit, literalBudget));
            return out.toByteArray();
        }
        throw ImapException.bad("Expected a quoted string or a literal");
    }

    private byte[] quoted() throws ImapException {
        expect('"');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            if (atEnd()) throw ImapException.bad("Unterminated quoted string");
            int c = line[pos++] & 0xff;
            if (c == '"') return out.toByteArray();
            if (c == '\\') {
                if (atEnd()) throw ImapException.bad("Unterminated quoted string");
                c = line[pos++] & 0xff;
                if (c != '"' && c != '\\') throw ImapException.bad("Only \\\" and \\\\ may be escaped in a quoted string");
            }
            // 8-bit text is UTF-8 (RFC 6855); accepted from everyone so that "contraseña" typed by hand works.
            out.write(c);
        }
    }

    /** A literal starts here: "{" or literal8's "~{"; "~" alone is an ATOM-CHAR ("~foo" is an atom). */
    boolean peekLiteral() {
        return peekIs('{') || peekIs('~') && pos + 1 < line.length && line[pos + 1] == '{';
    }

    /** The size a literal announces, if one starts here, without reading it. */
    long literalSize() {
        int p = pos;
        if (p < line.length && line[p] == '~') p++;
        if (p >= line.length || line[p] != '{') return -1;
        long n = 0;
        for (p++; p < line.length && line[p] >= '0' && line[p] <= '9'; p++) n = n * 10 + (line[p] - '0');
        return n;
    }

    /**
     * A literal ({@code {n}}, {@code {n+}}, or {@code ~{n}} literal8) copied into {@code sink}; it must
     * end the line. Larger than {@code max}: NO [TOOBIG] before the client sends it (RFC 7888 §4; a
     * non-synchronizing one is read and dropped first, since the client sends it anyway).
     */
    long literal(OutputStream sink, long max) throws ImapException, IOException {
        take('~');
        expect('{');
        int start = pos;
        while (pos < line.length && line[pos] >= '0' && line[pos] <= '9') pos++;
        if (pos == start || pos - start > 18) throw ImapException.bad("Bad literal size");
        long n = Long.parseLong(new String(line, start, pos - start, StandardCharsets.US_ASCII));
        boolean sync = !take('+');
        expect('}');
        if (!atEnd()) throw ImapException.bad("A literal must end the line");
        if (n > max) {
            if (!sync) {
                source.skip(n);
                line = source.nextLine();
                pos = 0;
                if (line == null) line = new byte[0];
            }
            throw ImapException.no("TOOBIG", "Literal too big, the limit is " + max + " octets");
        }
        line = source.literal(n, sync, sink);
        pos = 0;
        return n;
    }

    /**
     * Drops the rest of a failed command: non-synchronizing literals the client will send anyway and
     * the lines after them. A synchronizing literal was never invited, so nothing more comes.
     */
    void discardRest() throws IOException {
        while (line != null) {
            int end = line.length;
            if (end < 4 || line[end - 1] != '}' || line[end - 2] != '+') return;
            int p = end - 3;
            while (p >= 0 && line[p] >= '0' && line[p] <= '9') p--;
            if (p < 0 || line[p] != '{' || p == end - 3) return;
            // A count no long holds (found by fuzzing: NumberFormatException ended the session): nothing to skip.
            if (end - 3 - p > 18) return;
            source.skip(Long.parseLong(new String(line, p + 1, end - 3 - p, StandardCharsets.US_ASCII)));
            try {
                line = source.nextLine();
            } catch (ImapException e) {
                return;
            }
            pos = 0;
        }
    }

    // --- numbers and sets ---

    long number() throws ImapException {
        int start = pos;
        while (pos < line.length && line[pos] >= '0' && line[pos] <= '9') pos++;
        if (pos == start || pos - start > 19) throw ImapException.bad("Expected a number");
        try {
            return Long.parseLong(new String(line, start, pos - start, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw ImapException.bad("Number too large");
        }
    }

    long nzNumber() throws ImapException {
        long n = number();
        if (n == 0 || n > 0xffffffffL) throw ImapException.bad("Expected a number from 1 to 4294967295");
        return n;
    }

    boolean peekDigit() {
        return peek() >= '0' && peek() <= '9';
    }

    /** sequence-set: (seq-number / seq-range) *("," ...), or "$". */
    SequenceSet sequenceSet() throws ImapException {
        if (take('$')) return SequenceSet.savedResult();
        List<SequenceSet.Range> ranges = new ArrayList<>();
        do {
            long from = seqNumber();
            long to = from;
            if (take(':')) to = seqNumber();
            ranges.add(new SequenceSet.Range(from, to));
        } while (take(','));
        return new SequenceSet(ranges, false);
    }

    private long seqNumber() throws ImapException {
        if (take('*')) return SequenceSet.STAR;
        if (!peekDigit()) throw ImapException.bad("Invalid sequence set");
        return nzNumber();
    }

    /** Whether a sequence set starts here (a digit, "*" or "$"). */
    boolean peekSequenceSet() {
        return peekDigit() || peekIs('*') || peekIs('$');
    }

    // --- flags, lists, dates ---

    /** flag: "\" atom (system flag) or a keyword atom. */
    String flag() throws ImapException {
        if (take('\\')) {
            if (take('*')) return "\\*";
            return "\\" + atom();
        }
        return atom();
    }

    /** "(" [flag *(SP flag)] ")", or with {@code bare} also flags without parentheses (STORE). */
    List<String> flagList(boolean bare) throws ImapException {
        List<String> flags = new ArrayList<>();
        boolean paren = take('(');
        if (!paren && !bare) throw ImapException.bad("Expected a flag list");
        if (paren && take(')')) return flags;
        do {
            flags.add(flag());
        } while (take(' '));
        if (paren) expect(')');
        return flags;
    }

    /** date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (the day may be space-padded). */
    ZonedDateTime dateTime() throws ImapException {
        byte[] q = quoted();
        String s = new String(q, StandardCharsets.US_ASCII).strip();
        try {
            return ZonedDateTime.parse(s, DATE_TIME);
        } catch (DateTimeParseException e) {
            throw ImapException.bad("Invalid date-time");
        }
    }

    /** date: d-Mon-yyyy, quoted or not. */
    LocalDate date() throws ImapException {
        String s;
        if (peek() == '"') {
            s = new String(quoted(), StandardCharsets.US_ASCII);
        } else {
            int start = pos;
            while (pos < line.length && line[pos] != ' ' && line[pos] != ')') pos++;
            s = new String(line, start, pos - start, StandardCharsets.US_ASCII);
        }
        try {
            return LocalDate.parse(s, DATE);
        } catch (DateTimeParseException e) {
            throw ImapException.bad("Invalid date");
        }
    }

    /** list-mailbox: 1*(ATOM-CHAR / "%" / "*" / "]") or a string. */
    String listMailbox() throws ImapException, IOException {
        if (peekIs('"') || peekLiteral()) return string();
        int start = pos;
        while (pos < line.length && (isAtomChar(line[pos] & 0xff) || line[pos] == '%' || line[pos] == '*' || line[pos] == ']')) pos++;
        if (pos == start) throw ImapException.bad("Expected a mailbox pattern");
        return new String(line, start, pos - start, StandardCharsets.UTF_8);
    }

    static ZoneOffset zone(ZonedDateTime t) {
        return t.getOffset();
    }
}
