package org.estafeta.store;

/** A folder of one account, with the IMAP counters that clients cache against. */
public record Mailbox(long id, long accountId, String name, String specialUse, long uidValidity, long uidNext,
                      long highestModSeq) {

    /** The hierarchy delimiter of stored names. */
    public static final char DELIMITER = '/';
    public static final int MAX_NAME_LENGTH = 1000;

    /**
     * Whether a name may be created, whoever asks (IMAP, the webmail, a Sieve {@code fileinto :create}
     * whose name a stranger's From filled in): not empty, no empty level, no control character (it
     * could not be written in an IMAP quoted string), no LIST wildcard, at most {@link #MAX_NAME_LENGTH}.
     */
    public static boolean validName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) return false;
        if (name.charAt(0) == DELIMITER || name.charAt(name.length() - 1) == DELIMITER || name.contains("//")) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '*' || c == '%' || c < 0x20 || c == 0x7f) return false;
        }
        return true;
    }
}
