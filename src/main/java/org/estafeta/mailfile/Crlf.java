package org.estafeta.mailfile;

import java.io.ByteArrayOutputStream;

/** Mail files keep Unix line ends (LF); the store keeps RFC 5322's CRLF, as every message arrives by SMTP. */
final class Crlf {

    private Crlf() {
    }

    /** Every LF not already after a CR becomes CRLF; CRLF stays, so a file with CRLF is taken as it is. */
    static byte[] normalise(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + in.length / 32 + 2);
        int from = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write(in, from, i - from);
                out.write('\r');
                from = i;
            }
        }
        out.write(in, from, in.length - from);
        return out.toByteArray();
    }
}
