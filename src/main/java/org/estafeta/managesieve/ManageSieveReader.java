package org.estafeta.managesieve;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.net.ClientText;
import org.estafeta.net.Connection;
import org.estafeta.net.Line;

/**
 * Reads one command (RFC 5804 §4): an atom, then atoms, quoted strings and literals; a literal
 * ({N+} or {N}, both accepted, no continuation is sent) ends its line and the command goes on after
 * the octets. Literals over the limit are read and thrown away, so the session stays in step and the
 * command gets NO (QUOTA/MAXSIZE).
 */
final class ManageSieveReader {

    /** RFC 5804 §4: quoted strings are at most 1024 octets. */
    static final int MAX_QUOTED = 1024;
    /** A literal this far past the limit is not worth reading: the session ends. */
    private static final long HOPELESS = 64L * 1024 * 1024;

    /** One argument: a string (quoted or literal) or an atom such as a number. */
    record Argument(String value, boolean string) {
    }

    record Request(String word, List<Argument> arguments) {
    }

    /** Thrown when the command cannot be used; the whole command has been read. */
    static final class Refused extends Exception {
        final ManageSieveException reply;
        final boolean fatal;

        Refused(ManageSieveException reply, boolean fatal) {
            super(reply.getMessage(), null, false, false);
            this.reply = reply;
            this.fatal = fatal;
        }
    }

    private final Connection conn;
    private final int lineLength;
    private final long maxLiteral;

    ManageSieveReader(Connection conn, int lineLength, long maxLiteral) {
        this.conn = conn;
        this.lineLength = lineLength;
        this.maxLiteral = maxLiteral;
    }

    /** The next command, or null when the client has gone. */
    Request next() throws IOException, Refused {
        List<Argument> args = new ArrayList<>();
        ManageSieveException problem = null;
        // The first line of a command is where a shutdown answers instead (Connection#readCommand);
        // the lines after a literal belong to the command under way, which finishes.
        boolean first = true;
        while (true) {
            Line line = first ? conn.readCommand(lineLength) : conn.readLine(lineLength);
            first = false;
            if (line == null || line.ending() == Line.Ending.EOF) return null;
            if (line.ending() == Line.Ending.TRUNCATED) {
                conn.skipLine();
                throw new Refused(new ManageSieveException("Line too long, the limit is " + lineLength + " octets"), false);
            }
            String text = ClientText.decode(line.bytes());
            Cursor c = new Cursor(text);
            Long literal = null;
            try {
                while (c.skipSpaces()) {
                    if (c.peek() == '"') {
                        args.add(new Argument(c.quoted(), true));
                    } else if (c.peek() == '{') {
                        literal = c.literalLength();
                        break;
                    } else {
                        args.add(new Argument(c.atom(), false));
                    }
                }
            } catch (ManageSieveException e) {
                throw new Refused(e, false);
            }
            if (literal == null) break;
            if (literal > HOPELESS) throw new Refused(new ManageSieveException(ManageSieveException.QUOTA_MAXSIZE, "Literal far too large"), true);
            if (literal > maxLiteral) {
                if (!conn.readExactly(literal, OutputStream.nullOutputStream())) return null;
                problem = new ManageSieveException(ManageSieveException.QUOTA_MAXSIZE, "Script too large, the limit is " + maxLiteral + " octets");
                continue;
            }
            ByteArrayOutputStream data = new ByteArrayOutputStream((int) (long) literal);
            if (!conn.readExactly(literal, data)) return null;
            args.add(new Argument(data.toString(StandardCharsets.UTF_8), true));
        }
        if (problem != null) throw new Refused(problem, false);
        if (args.isEmpty() || args.getFirst().string()) throw new Refused(new ManageSieveException("Expected a command"), false);
        return new Request(args.getFirst().value(), List.copyOf(args.subList(1, args.size())));
    }

    /** A client's answer during AUTHENTICATE (RFC 5804 §2.1): one string, quoted or literal. */
    String saslResponse() throws IOException, Refused {
        Request r = nextBare();
        if (r == null) return null;
        return r.word();
    }

    private Request nextBare() throws IOException, Refused {
        Line line = conn.readLine(lineLength);
        if (line == null || line.ending() == Line.Ending.EOF) return null;
        if (line.ending() == Line.Ending.TRUNCATED) {
            conn.skipLine();
            return new Request("*", List.of());
        }
        Cursor c = new Cursor(ClientText.decode(line.bytes()));
        try {
            if (!c.skipSpaces()) return new Request("", List.of());
            if (c.peek() == '"') return new Request(c.quoted(), List.of());
            if (c.peek() == '{') {
                long n = c.literalLength();
                if (n > MAX_QUOTED * 16L) throw new Refused(new ManageSieveException("Authentication data too long"), true);
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                if (!conn.readExactly(n, data)) return null;
                conn.skipLine();
                return new Request(data.toString(StandardCharsets.UTF_8), List.of());
            }
            return new Request(c.atom(), List.of());
        } catch (ManageSieveException e) {
            return new Request("*", List.of());
        }
    }

    /** A cursor over one command line. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        /** Skips spaces; false at the end of the line. */
        boolean skipSpaces() {
            while (i < s.length() && s.charAt(i) == ' ') i++;
            return i < s.length();
        }

        char peek() {
            return s.charAt(i);
        }

        String atom() throws ManageSieveException {
            int start = i;
            while (i < s.length() && s.charAt(i) != ' ') {
                char ch = s.charAt(i);
                if (ch == '"' || ch == '{' || ch < 0x20) throw new ManageSieveException("Syntax error near column " + (i + 1));
                i++;
            }
            return s.substring(start, i);
        }

        String quoted() throws ManageSieveException {
            i++;
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char ch = s.charAt(i++);
                if (ch == '"') {
                    if (sb.length() > MAX_QUOTED) throw new ManageSieveException("Quoted string longer than " + MAX_QUOTED + " octets: use a literal");
                    if (i < s.length() && s.charAt(i) != ' ') throw new ManageSieveException("Expected a space after a string");
                    return sb.toString();
                }
                if (ch == '\\') {
                    if (i >= s.length()) break;
                    ch = s.charAt(i++);
                    if (ch != '"' && ch != '\\') throw new ManageSieveException("Only \\\" and \\\\ may be escaped in a quoted string");
                }
                sb.append(ch);
            }
            throw new ManageSieveException("Quoted string not closed");
        }

        /** "{" number ["+"] "}" at the end of the line. */
        long literalLength() throws ManageSieveException {
            int close = s.indexOf('}', i);
            if (close != s.length() - 1) throw new ManageSieveException("A literal must end its line: {N+}");
            String n = s.substring(i + 1, close);
            if (n.endsWith("+")) n = n.substring(0, n.length() - 1);
            if (n.isEmpty() || n.length() > 12 || !n.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
                throw new ManageSieveException("Invalid literal length");
            }
            i = s.length();
            return Long.parseLong(n);
        }
    }
}
