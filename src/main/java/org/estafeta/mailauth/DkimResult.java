package org.estafeta.mailauth;

/**
 * The outcome of checking one DKIM signature, as Authentication-Results reports it (RFC 8601 §2.7.1).
 *
 * @param domain    d= (null when the field was too broken to tell)
 * @param reason    why it did not pass, for the A-R comment and logs (null on pass)
 */
public record DkimResult(Status status, String domain, String selector, String algorithm, String reason) {

    public enum Status {
        NONE, PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
