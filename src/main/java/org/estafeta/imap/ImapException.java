package org.estafeta.imap;

/**
 * Ends a command with a tagged response; thrown by the parser and handlers, turned into a reply in
 * one place ({@code ImapSession.dispatch}). The text goes to the client, so it never carries
 * exception messages or unsanitised input.
 */
sealed abstract class ImapException extends Exception permits ImapException.Bad, ImapException.No {

    /** Response code without brackets (RFC 9051 §7.1), or null. */
    final String code;

    private ImapException(String code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    /** The command could not be understood: tagged BAD. */
    static final class Bad extends ImapException {
        Bad(String text) {
            super(null, text);
        }

        Bad(String code, String text) {
            super(code, text);
        }
    }

    /** The command was understood but failed: tagged NO with a response code. */
    static final class No extends ImapException {
        No(String code, String text) {
            super(code, text);
        }
    }

    static Bad bad(String text) {
        return new Bad(text);
    }

    static No no(String code, String text) {
        return new No(code, text);
    }
}
