package org.estafeta.mailfile;

/** How the program that wrote an mbox file quoted body lines starting with "From " (see {@link Mbox}). */
public enum MboxQuoting {
    /** {@code >*From } lines got one more {@code >} (qmail, newer mutt, Thunderbird): reversible. */
    MBOXRD,
    /** Only {@code From } lines got a {@code >} (Postfix local(8), procmail, older tools). */
    MBOXO
}
