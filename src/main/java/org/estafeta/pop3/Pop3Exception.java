package org.estafeta.pop3;

/**
 * A command failed in a way the client should hear about: becomes one "-ERR [CODE] text" line at the
 * session's single catch site. Never carries text from another exception, only our own words.
 */
final class Pop3Exception extends Exception {

    /** RFC 2449 §8.1.1: the maildrop is locked by another session. */
    static final String IN_USE = "IN-USE";
    /** RFC 3206 §4: the credentials are the problem; asking the user again may help. */
    static final String AUTH = "AUTH";
    /** RFC 3206 §5: a temporary problem on our side, or a limit that will pass; try again later. */
    static final String SYS_TEMP = "SYS/TEMP";

    /** An RFC 2449 response code without brackets, or null. */
    private final String code;

    Pop3Exception(String text) {
        this(null, text);
    }

    Pop3Exception(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    /** The reply line with its CRLF. */
    String line() {
        return code == null ? "-ERR " + getMessage() + "\r\n" : "-ERR [" + code + "] " + getMessage() + "\r\n";
    }
}
