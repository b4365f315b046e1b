package org.estafeta.managesieve;

/**
 * A NO reply (RFC 5804 §1.3), with an optional response code such as {@code QUOTA/MAXSIZE} or
 * {@code NONEXISTENT}. The text is ours, never an exception's, and client input in it is made printable.
 */
final class ManageSieveException extends Exception {

    static final String QUOTA_MAXSIZE = "QUOTA/MAXSIZE";
    static final String QUOTA_MAXSCRIPTS = "QUOTA/MAXSCRIPTS";
    static final String NONEXISTENT = "NONEXISTENT";
    static final String ALREADYEXISTS = "ALREADYEXISTS";
    static final String ACTIVE = "ACTIVE";
    static final String ENCRYPT_NEEDED = "ENCRYPT-NEEDED";
    static final String AUTH_TOO_WEAK = "AUTH-TOO-WEAK";
    static final String TRYLATER = "TRYLATER";

    final String code;

    ManageSieveException(String text) {
        this(null, text);
    }

    ManageSieveException(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    String line() {
        return "NO " + (code == null ? "" : "(" + code + ") ") + ManageSieveWriter.quoted(getMessage()) + "\r\n";
    }
}
