package org.estafeta.smtp.server;

import java.util.Locale;

/** The SMTP verbs this server knows, each with what must have happened before it (RFC 5321 §4.1.4). */
enum SmtpCommand {
    HELO(Needs.NOTHING),
    EHLO(Needs.NOTHING),
    MAIL(Needs.GREETING),
    RCPT(Needs.SENDER),
    DATA(Needs.RECIPIENT),
    /** RFC 3030 CHUNKING. */
    BDAT(Needs.RECIPIENT),
    RSET(Needs.NOTHING),
    NOOP(Needs.NOTHING),
    QUIT(Needs.NOTHING),
    HELP(Needs.NOTHING),
    VRFY(Needs.NOTHING),
    EXPN(Needs.NOTHING),
    /** RFC 5321 §4.1.1.11 / Appendix F.1: TURN cannot be authenticated, so it is refused. */
    TURN(Needs.NOTHING),
    STARTTLS(Needs.GREETING),
    /** RFC 1985. */
    ETRN(Needs.GREETING),
    /** RFC 4954. */
    AUTH(Needs.GREETING),
    /** RFC 2645, on the ODMR port only. */
    ATRN(Needs.GREETING);

    /** RFC 2645 §5.1: what an ODMR session may say before the turn; anything else is 502. */
    boolean allowedOnOdmr() {
        return switch (this) {
            case EHLO, AUTH, ATRN, STARTTLS, QUIT, RSET, NOOP, HELP -> true;
            default -> false;
        };
    }

    /**
     * Octets the advertised extensions add to a command line beyond limits.line_length: MAIL may
     * carry SIZE (RFC 1870 §3: 26), BODY (RFC 6152 §2: 16) and ENVID/RET (RFC 3461 §4: 100); RCPT
     * NOTIFY/ORCPT (RFC 3461 §4: 500); AUTH an initial response (RFC 4954 §4: 12288 in all).
     */
    private int extensionLength() {
        return switch (this) {
            case MAIL -> 26 + 16 + 100;
            case RCPT -> 500;
            case AUTH -> 12288 - 512;
            default -> 0;
        };
    }

    /** The most any verb may add: a line read up to the limit plus this is long enough to tell. */
    static final int LONGEST_EXTENSION = 12288 - 512;

    /** The extension room of a whole command line's verb (0 for an unknown verb). */
    static int extensionLength(String line) {
        int space = line.indexOf(' ');
        SmtpCommand c = of(space < 0 ? line : line.substring(0, space));
        return c == null ? 0 : c.extensionLength();
    }

    /** Session progress a verb requires; the dispatcher checks it once, handlers never do. */
    enum Needs { NOTHING, GREETING, SENDER, RECIPIENT }

    final Needs needs;

    SmtpCommand(Needs needs) {
        this.needs = needs;
    }

    /** The verb of a command line, case-insensitively; null when unknown. */
    static SmtpCommand of(String verb) {
        try {
            return valueOf(verb.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
