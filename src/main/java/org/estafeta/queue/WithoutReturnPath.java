package org.estafeta.queue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Stored messages start with the {@code Return-Path:} line written at acceptance; a relay must not
 * pass it on (RFC 5321 §4.4: only the final delivery adds it), so it is skipped when relaying.
 */
final class WithoutReturnPath {

    private static final byte[] PREFIX = "Return-Path:".getBytes(StandardCharsets.US_ASCII);

    private WithoutReturnPath() {
    }

    static InputStream of(InputStream stored) throws IOException {
        BufferedInputStream in = new BufferedInputStream(stored, 8192);
        in.mark(1024);
        byte[] head = in.readNBytes(PREFIX.length);
        if (!new String(head, StandardCharsets.US_ASCII).equalsIgnoreCase("Return-Path:")) {
            in.reset();
            return in;
        }
        int b;
        int read = 0;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (++read > 1000) {
                in.reset();
                return in;
            }
        }
        return in;
    }
}
