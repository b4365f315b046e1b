package org.estafeta.delivery;

import java.security.SecureRandom;

/** Short unique message ids for replies and logs ({@code queued as 4F8K2M9XQ7TB}): time-ordered, then random. */
public final class QueueId {

    private static final char[] ALPHABET = "0123456789BCDFGHJKLMNPQRSTVWXYZ".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private QueueId() {
    }

    public static String next() {
        long time = System.currentTimeMillis();
        StringBuilder sb = new StringBuilder(14);
        for (int i = 0; i < 9; i++) {
            sb.append(ALPHABET[(int) (time % ALPHABET.length)]);
            time /= ALPHABET.length;
        }
        sb.reverse();
        for (int i = 0; i < 5; i++) sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        return sb.toString();
    }
}
