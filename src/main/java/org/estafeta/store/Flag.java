package org.estafeta.store;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The IMAP system flags, kept as a bit set in {@code messages.flags}; bit i is the flag of ordinal i. */
public enum Flag {
    SEEN("\\Seen"), ANSWERED("\\Answered"), FLAGGED("\\Flagged"), DELETED("\\Deleted"), DRAFT("\\Draft");

    /** How IMAP spells it. */
    public final String imapName;

    Flag(String imapName) {
        this.imapName = imapName;
    }

    public int bit() {
        return 1 << ordinal();
    }

    public boolean in(int bits) {
        return (bits & bit()) != 0;
    }

    /** The flag named {@code name} case-insensitively ({@code \Seen}), or null. */
    public static Flag byImapName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Flag f : values()) if (f.imapName.toLowerCase(Locale.ROOT).equals(lower)) return f;
        return null;
    }

    public static Set<Flag> of(int bits) {
        Set<Flag> out = EnumSet.noneOf(Flag.class);
        for (Flag f : values()) if (f.in(bits)) out.add(f);
        return out;
    }
}
