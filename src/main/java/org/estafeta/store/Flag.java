package org.estafeta.store;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;

/**
 * The IMAP system flags (RFC 9051 §2.3.2) as bits of {@code messages.flags}. The bit values are
 * stored: never renumber them, only add. \Recent is not stored (it belongs to a session).
 */
public enum Flag {
    SEEN("\\Seen", 1),
    ANSWERED("\\Answered", 2),
    FLAGGED("\\Flagged", 4),
    DELETED("\\Deleted", 8),
    DRAFT("\\Draft", 16);

    private final String imapName;
    private final int bit;

    Flag(String imapName, int bit) {
        this.imapName = imapName;
        this.bit = bit;
    }

    /** As written in IMAP, with the backslash. */
    public String imapName() {
        return imapName;
    }

    public int bit() {
        return bit;
    }

    public boolean isSet(int bits) {
        return (bits & bit) != 0;
    }

    /** The flag named {@code name} ({@code \Seen}), ignoring case; null for anything else. */
    public static Flag byImapName(String name) {
        for (Flag f : values()) if (f.imapName.equalsIgnoreCase(name)) return f;
        return null;
    }

    /**
     * A keyword as IMAP carries it (RFC 9051 §9: flag-keyword is an atom): printable ASCII but the
     * atom-specials ( ) { % * " \ ]. Anything else stored as a keyword would break clients' FETCH FLAGS.
     */
    public static boolean isKeyword(String word) {
        return !word.isEmpty() && word.chars().allMatch(c -> c > 0x20 && c < 0x7f && "(){%*\"\\]".indexOf(c) < 0);
    }

    /** A keyword, or how a system flag is written (a backslash and an atom). */
    public static boolean isFlagName(String word) {
        return isKeyword(word.startsWith("\\") ? word.substring(1) : word);
    }

    public static int bits(Collection<Flag> flags) {
        int bits = 0;
        for (Flag f : flags) bits |= f.bit;
        return bits;
    }

    public static Set<Flag> of(int bits) {
        EnumSet<Flag> out = EnumSet.noneOf(Flag.class);
        for (Flag f : values()) if (f.isSet(bits)) out.add(f);
        return out;
    }
}
