package org.estafeta.smtp.client;

import java.io.IOException;
import org.estafeta.smtp.Reply;

/**
 * An attempt that did not go through: a reply the server gave (permanent when 5xx), or a network
 * failure, which is always temporary (try the next host, or later).
 */
public final class SmtpClientException extends IOException {

    private final Reply reply;

    public SmtpClientException(Reply reply, String stage) {
        super(stage + ": " + reply);
        this.reply = reply;
    }

    public SmtpClientException(String message, Throwable cause) {
        super(message, cause);
        this.reply = null;
    }

    /** The server's reply, or null for a network failure. */
    public Reply reply() {
        return reply;
    }

    public boolean isPermanent() {
        return reply != null && reply.isPermanent();
    }
}
