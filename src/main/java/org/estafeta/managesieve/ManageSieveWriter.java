package org.estafeta.managesieve;

import java.nio.charset.StandardCharsets;

/** RFC 5804 §4 strings on the way out: quoted when short and single-line, else a literal. */
final class ManageSieveWriter {

    private ManageSieveWriter() {
    }

    /** A quoted string; CR and LF are dropped so that text can never end a reply early. */
    static String quoted(String s) {
        return "\"" + s.replaceAll("[\r\n]+", " ").replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A string that may hold anything (a script): {N} CRLF then the octets. */
    static String literal(String s) {
        return "{" + s.getBytes(StandardCharsets.UTF_8).length + "}\r\n" + s;
    }
}
