package org.estafeta.delivery;

import java.net.InetAddress;
import javax.net.ssl.SSLSession;
import org.estafeta.store.Account;

/**
 * How a message came in: decides its trace header, whether the server completes its header section
 * (submission, RFC 6409 §8) and whose addresses it may carry.
 *
 * @param helo what the client said in HELO/EHLO (SMTP), else a fixed word
 * @param client the peer, null for messages the server makes or imports
 * @param extended EHLO rather than HELO
 * @param tlsProtocol null without TLS
 * @param account who logged in, null when nobody did
 */
public record Channel(Kind kind, String helo, InetAddress client, boolean extended, String tlsProtocol, String tlsCipher,
                      Account account) {

    public enum Kind {
        /** SMTP from another server, or a client in the relay networks. */
        MX,
        /** SMTP submission by a logged-in user (RFC 6409): headers completed, sender checked. */
        SUBMISSION,
        /** The webmail's send button: like submission, over HTTP. */
        WEBMAIL,
        /** Written by the server itself (DSNs, notices, filter replies): null reverse-path, no trace. */
        GENERATED,
        /** Moved in from another store ({@code estafeta import}, IMAP APPEND): stored byte for byte. */
        IMPORTED
    }

    /** An SMTP session; {@code tls} null when the channel is clear. */
    public static Channel smtp(Kind kind, String helo, InetAddress client, boolean extended, SSLSession tls, Account account) {
        return new Channel(kind, helo, client, extended, tls == null ? null : tls.getProtocol(),
                tls == null ? null : tls.getCipherSuite(), account);
    }

    public static Channel webmail(InetAddress client, boolean https, Account account) {
        return new Channel(Kind.WEBMAIL, "webmail", client, true, https ? "HTTPS" : null, null, account);
    }

    public static Channel generated() {
        return new Channel(Kind.GENERATED, null, null, false, null, null, null);
    }

    public static Channel imported() {
        return new Channel(Kind.IMPORTED, null, null, false, null, null, null);
    }

    /** A live client handed the message in: it gets a Received line and a mended header section. */
    boolean live() {
        return kind == Kind.MX || kind == Kind.SUBMISSION || kind == Kind.WEBMAIL;
    }

    /**
     * The caller names each copy's mailbox, flags and date, and the message is stored byte for byte:
     * no arrival verdicts and no filter (a migrated or appended message was filed by its owner already).
     */
    boolean filedByCaller() {
        return kind == Kind.IMPORTED;
    }

    /** RFC 6409 §8: the server adds the Date and Message-ID a submitting client left out. */
    boolean completesHeaders() {
        return kind == Kind.SUBMISSION || kind == Kind.WEBMAIL;
    }

    /** The Received line's {@code with} (RFC 3848: ESMTP, ESMTPS, ESMTPA, ESMTPSA; HTTP or HTTPS for the webmail). */
    String with() {
        if (kind == Kind.WEBMAIL) return tlsProtocol != null ? "HTTPS" : "HTTP";
        if (!extended) return "SMTP";
        return "ESMTP" + (tlsProtocol != null ? "S" : "") + (account != null ? "A" : "");
    }
}
