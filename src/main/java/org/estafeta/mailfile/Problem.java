package org.estafeta.mailfile;

/** Input that could not be imported: the file, the octet offset where the bad part starts, and why. */
public record Problem(String file, long offset, String reason) {
    @Override
    public String toString() {
        return file + ": offset " + offset + ": " + reason;
    }
}
