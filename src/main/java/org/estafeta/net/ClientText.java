package org.estafeta.net;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Client-supplied text: decoding command lines, and on its way into a reply or a log line. */
public final class ClientText {

    private static final int MAX = 256;

    private ClientText() {
    }

    /**
     * A command line as text: UTF-8 when it is valid UTF-8, else ISO-8859-1, which is what older
     * clients (Jakarta/Angus Mail among them) send for a non-ASCII password. Bytes that are not valid
     * UTF-8 could never match a password set as UTF-8, so the second reading costs no extra guesses.
     */
    public static String decode(byte[] line) {
        String text = utf8(line);
        return text != null ? text : new String(line, StandardCharsets.ISO_8859_1);
    }

    /**
     * The line as UTF-8, or null when it is not well-formed UTF-8 (RFC 3629 §3): the JDK's decoder
     * refuses overlong forms, surrogates and truncated sequences, which RFC 6531 §3.3 forbids too.
     */
    public static String utf8(byte[] line) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(line)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Printable ASCII only and at most 256 characters, so that echoed text can never split or forge a reply or log line. */
    public static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX));
        for (int i = 0; i < s.length() && i < MAX; i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 ? c : '?');
        }
        return sb.toString();
    }
}
