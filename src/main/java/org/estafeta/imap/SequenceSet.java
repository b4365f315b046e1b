package org.estafeta.imap;

import java.util.ArrayList;
import java.util.List;

/**
 * A sequence set or UID set (RFC 9051 §9 {@code sequence-set}): ranges with {@code *} meaning the
 * largest number in use. {@code $} (RFC 5182 SEARCHRES) is the saved search result.
 */
record SequenceSet(List<Range> ranges, boolean saved) {

    /** {@code *} before it is resolved against the mailbox. */
    static final long STAR = Long.MAX_VALUE;

    record Range(long from, long to) {
        long low(long star) {
            return Math.min(resolve(from, star), resolve(to, star));
        }

        long high(long star) {
            return Math.max(resolve(from, star), resolve(to, star));
        }

        private static long resolve(long n, long star) {
            return n == STAR ? star : n;
        }
    }

    static SequenceSet savedResult() {
        return new SequenceSet(List.of(), true);
    }

    /** Whether {@code n} is in the set when {@code *} is {@code star}. */
    boolean contains(long n, long star) {
        for (Range r : ranges) if (n >= r.low(star) && n <= r.high(star)) return true;
        return false;
    }

    /** Formats sorted numbers compactly: {@code 1:3,7,9:10} (for COPYUID, ESEARCH, VANISHED). */
    static String format(List<Long> sorted) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < sorted.size()) {
            long start = sorted.get(i), end = start;
            while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) end = sorted.get(++i);
            if (!sb.isEmpty()) sb.append(',');
            sb.append(start);
            if (end != start) sb.append(':').append(end);
            i++;
        }
        return sb.toString();
    }

    static SequenceSet of(long... numbers) {
        List<Range> r = new ArrayList<>();
        for (long n : numbers) r.add(new Range(n, n));
        return new SequenceSet(r, false);
    }
}
