package org.estafeta.auth;

/**
 * The lab guides teach {@code openssl base64} (and {@code echo ... | base64}), which encode the
 * line end too: the decoded user name or password then ends with LF (or CRLF) and can never match.
 * Such a login fails as any wrong one does (nothing is stripped: a password is exactly its bytes);
 * the hint says why, and the protocols show it only to net.lenient_networks, where people type.
 */
final class LineBreakHint {

    private LineBreakHint() {
    }

    /** The hint for this user name and password, or null when neither ends with a line break. */
    static String of(String user, String password) {
        String which = endsWithLineBreak(user) ? endsWithLineBreak(password) ? "user name and password end" : "user name ends"
                : endsWithLineBreak(password) ? "password ends" : null;
        return which == null ? null : "the decoded " + which + " with a line break: encode with printf '%s' or echo -n";
    }

    private static boolean endsWithLineBreak(String s) {
        return s.endsWith("\n") || s.endsWith("\r");
    }

    /** The failure for such a login: counted against the client like a wrong password, with the hint. */
    static SaslStep check(Authenticator authenticator, java.net.InetAddress client, String user, String password, String method) {
        String hint = of(user, password);
        if (hint == null) return null;
        if (authenticator.blocked(client, user, method)) return new SaslStep.Failure(AuthFailure.THROTTLED);
        return new SaslStep.Failure(authenticator.failed(client, user, method, hint).reason(), hint);
    }
}
