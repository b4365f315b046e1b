package org.estafeta.smtp;

/** Ends the handling of a command with this reply; thrown by parsers and checks, caught by the session. */
public final class SmtpException extends Exception {

    private final Reply reply;

    public SmtpException(int code, String enhanced, String text) {
        super(text, null, false, false);
        this.reply = Reply.of(code, enhanced, text);
    }

    public Reply reply() {
        return reply;
    }
}
