package org.estafeta.pop3;

/**
 * A cursor over a command's arguments (RFC 1939 §3: separated by spaces). Lenient about extra spaces,
 * strict about missing or left-over arguments, which are syntax errors naming the command's syntax.
 */
final class Pop3Args {

    private final Pop3Command command;
    private final String s;
    private int pos;

    Pop3Args(Pop3Command command, String args) {
        this.command = command;
        this.s = args;
    }

    /** The next space-separated word, or null when there is none. */
    String optionalWord() {
        while (pos < s.length() && s.charAt(pos) == ' ') pos++;
        if (pos == s.length()) return null;
        int start = pos;
        while (pos < s.length() && s.charAt(pos) != ' ') pos++;
        return s.substring(start, pos);
    }

    String word() throws Pop3Exception {
        String w = optionalWord();
        if (w == null) throw syntax();
        return w;
    }

    /** A message number (RFC 1939 §3: msg); too large to exist is returned as {@link Integer#MAX_VALUE}. */
    int messageNumber() throws Pop3Exception {
        return number(word());
    }

    /** A message number if one is given, else null. */
    Integer optionalMessageNumber() throws Pop3Exception {
        String w = optionalWord();
        return w == null ? null : number(w);
    }

    /** Everything left, as typed (a password may contain spaces, RFC 1939 §7 PASS). */
    String rest() {
        String r = s.substring(pos);
        pos = s.length();
        return r;
    }

    /** Nothing may be left. */
    void end() throws Pop3Exception {
        if (optionalWord() != null) throw syntax();
    }

    private int number(String w) throws Pop3Exception {
        for (int i = 0; i < w.length(); i++) if (w.charAt(i) < '0' || w.charAt(i) > '9') throw syntax();
        if (w.length() > 9) return Integer.MAX_VALUE;
        return Integer.parseInt(w);
    }

    Pop3Exception syntax() {
        return new Pop3Exception("Syntax: " + command.syntax);
    }
}
