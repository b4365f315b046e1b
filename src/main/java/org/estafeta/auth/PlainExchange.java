package org.estafeta.auth;

import java.net.InetAddress;
import org.estafeta.net.ClientText;
import java.util.ArrayList;
import java.util.List;

/** SASL PLAIN (RFC 4616): one client message, {@code [authzid] NUL authcid NUL passwd}. */
final class PlainExchange implements SaslExchange {

    private final Authenticator authenticator;
    private final InetAddress client;
    private boolean challenged;

    PlainExchange(Authenticator authenticator, InetAddress client) {
        this.authenticator = authenticator;
        this.client = client;
    }

    @Override
    public SaslMechanism mechanism() {
        return SaslMechanism.PLAIN;
    }

    @Override
    public SaslStep next(byte[] response) {
        if (response == null) {
            if (challenged) return new SaslStep.Failure(AuthFailure.MALFORMED);
            challenged = true;
            return new SaslStep.Challenge(new byte[0]);
        }
        String text = Authenticator.utf8(response);
        List<String> parts = text == null ? List.of() : split(text);
        if (parts.size() != 3 || parts.get(1).isEmpty()) return new SaslStep.Failure(AuthFailure.MALFORMED);
        String authzid = parts.get(0), authcid = parts.get(1), password = parts.get(2);
        // We do not let one user act as another (RFC 4616 §2): an authzid must name the same account.
        if (!authzid.isEmpty() && !authenticator.qualify(authzid).equals(authenticator.qualify(authcid))) {
            if (authenticator.blocked(client, authcid, "PLAIN")) return new SaslStep.Failure(AuthFailure.THROTTLED);
            return new SaslStep.Failure(authenticator.failed(client, authcid, "PLAIN", "may not act as " + ClientText.printable(authzid)).reason());
        }
        SaslStep typedWrong = LineBreakHint.check(authenticator, client, authcid, password, "PLAIN");
        if (typedWrong != null) return typedWrong;
        return switch (authenticator.login(client, authcid, password, "PLAIN")) {
            case AuthResult.Success s -> new SaslStep.Success(s.account(), new byte[0]);
            case AuthResult.Failure f -> new SaslStep.Failure(f.reason());
        };
    }

    private static List<String> split(String s) {
        List<String> out = new ArrayList<>(3);
        int start = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '\0') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
