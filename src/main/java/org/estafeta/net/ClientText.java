package org.estafeta.net;

/** Client-supplied text on its way into a reply or a log line. */
public final class ClientText {

    private static final int MAX = 256;

    private ClientText() {
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
