package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a script into tokens (RFC 5228 §8.1): identifiers, tags, numbers with K/M/G, quoted and
 * multi-line strings, punctuation; comments and white space are dropped. Positions are 1-based.
 */
final class Lexer {

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokens(String script) throws SieveException {
        Lexer lexer = new Lexer(script);
        List<Token> out = new ArrayList<>();
        Token t;
        do {
            t = lexer.next();
            out.add(t);
        } while (t.kind() != Token.Kind.END);
        return out;
    }

    private SieveException.Position here() {
        return new SieveException.Position(line, pos - lineStart + 1);
    }

    private Token next() throws SieveException {
        skipSpaceAndComments();
        SieveException.Position at = here();
        if (pos >= src.length()) return new Token(Token.Kind.END, "", 0, at);
        char c = src.charAt(pos);
        Token.Kind punct = switch (c) {
            case '[' -> Token.Kind.LEFT_BRACKET;
            case ']' -> Token.Kind.RIGHT_BRACKET;
            case '(' -> Token.Kind.LEFT_PAREN;
            case ')' -> Token.Kind.RIGHT_PAREN;
            case '{' -> Token.Kind.LEFT_BRACE;
            case '}' -> Token.Kind.RIGHT_BRACE;
            case ',' -> Token.Kind.COMMA;
            case ';' -> Token.Kind.SEMICOLON;
            default -> null;
        };
        if (punct != null) {
            pos++;
            return new Token(punct, String.valueOf(c), 0, at);
        }
        if (c == '"') return quoted(at);
        if (c == ':') {
            pos++;
            String name = identifier();
            if (name.isEmpty()) throw new SieveException(at, "':' must start a tag such as :contains");
            return new Token(Token.Kind.TAG, name, 0, at);
        }
        if (isDigit(c)) return number(at);
        if (isIdentifierStart(c)) {
            String name = identifier();
            if (name.equalsIgnoreCase("text") && pos < src.length() && src.charAt(pos) == ':') {
                pos++;
                return multiline(at);
            }
            return new Token(Token.Kind.IDENTIFIER, name, 0, at);
        }
        throw new SieveException(at, "unexpected character '" + printable(c) + "'");
    }

    private void skipSpaceAndComments() throws SieveException {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                newline();
            } else if (c == ' ' || c == '\t' || c == '\r') {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n') pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '*') {
                SieveException.Position at = here();
                int end = src.indexOf("*/", pos + 2);
                if (end < 0) throw new SieveException(at, "comment not closed with */");
                while (pos < end + 2) {
                    if (src.charAt(pos) == '\n') newline();
                    else pos++;
                }
            } else {
                return;
            }
        }
    }

    private void newline() {
        pos++;
        line++;
        lineStart = pos;
    }

    private String identifier() {
        int start = pos;
        if (pos < src.length() && isIdentifierStart(src.charAt(pos))) {
            pos++;
            while (pos < src.length() && (isIdentifierStart(src.charAt(pos)) || isDigit(src.charAt(pos)))) pos++;
        }
        return src.substring(start, pos);
    }

    /** RFC 5228 §2.4.1: digits with an optional K, M or G (powers of 1024). */
    private Token number(SieveException.Position at) throws SieveException {
        long value = 0;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
            value = value * 10 + (src.charAt(pos++) - '0');
            if (value > Integer.MAX_VALUE * 1024L * 1024L) throw new SieveException(at, "number too large");
        }
        if (pos < src.length()) {
            int shift = switch (Character.toUpperCase(src.charAt(pos))) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                default -> 0;
            };
            if (shift > 0) {
                pos++;
                value <<= shift;
            }
        }
        if (pos < src.length() && isIdentifierStart(src.charAt(pos))) throw new SieveException(at, "a number runs into a word");
        return new Token(Token.Kind.NUMBER, "", value, at);
    }

    /** RFC 5228 §2.4.2: only \" and \\ are escapes; a backslash before anything else is dropped. */
    private Token quoted(SieveException.Position at) throws SieveException {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw new SieveException(at, "string not closed with \"");
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return new Token(Token.Kind.STRING, sb.toString(), 0, at);
            }
            if (c == '\\' && pos + 1 < src.length()) {
                c = src.charAt(++pos);
            }
            if (c == '\n') {
                sb.append('\n');
                newline();
            } else {
                sb.append(c);
                pos++;
            }
        }
    }

    /** RFC 5228 §2.4.2: "text:" up to the line holding only ".", with leading ".." unstuffed. */
    private Token multiline(SieveException.Position at) throws SieveException {
        while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) pos++;
        if (pos < src.length() && src.charAt(pos) == '#') {
            while (pos < src.length() && src.charAt(pos) != '\n') pos++;
        }
        if (pos < src.length() && src.charAt(pos) == '\r') pos++;
        if (pos >= src.length() || src.charAt(pos) != '\n') throw new SieveException(at, "text: must be followed by the end of the line");
        newline();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) throw new SieveException(at, "text: not ended by a line with a single '.'");
            int end = src.indexOf('\n', pos);
            if (end < 0) end = src.length();
            String l = src.substring(pos, end);
            if (l.endsWith("\r")) l = l.substring(0, l.length() - 1);
            if (end < src.length()) line++;
            pos = Math.min(end + 1, src.length());
            lineStart = pos;
            if (l.equals(".")) return new Token(Token.Kind.STRING, sb.toString(), 0, at);
            if (l.startsWith("..")) l = l.substring(1);
            sb.append(l).append("\r\n");
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentifierStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
    }
}
