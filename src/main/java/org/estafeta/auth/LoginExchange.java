package org.estafeta.auth;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * The LOGIN mechanism (draft-murchison-sasl-login): the server asks "Username:" then "Password:".
 * An initial response, which some clients send, is taken as the user name.
 */
final class LoginExchange implements SaslExchange {

    private static final byte[] USERNAME = "Username:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASSWORD = "Password:".getBytes(StandardCharsets.US_ASCII);

    private final Authenticator authenticator;
    private final InetAddress client;
    private boolean started;
    private String user;

    LoginExchange(Authenticator authenticator, InetAddress client) {
        this.authenticator = authenticator;
        this.client = client;
    }

    @Override
    public SaslMechanism mechanism() {
        return SaslMechanism.LOGIN;
    }

    @Override
    public SaslStep next(byte[] response) {
        if (!started) {
            started = true;
            if (response == null) return new SaslStep.Challenge(USERNAME);
        }
        if (response == null) return new SaslStep.Failure(AuthFailure.MALFORMED);
        String text = Authenticator.utf8(response);
        if (text == null) return new SaslStep.Failure(AuthFailure.MALFORMED);
        if (user == null) {
            if (text.isEmpty()) return new SaslStep.Failure(AuthFailure.MALFORMED);
            user = text;
            return new SaslStep.Challenge(PASSWORD);
        }
        SaslStep typedWrong = LineBreakHint.check(authenticator, client, user, text, "LOGIN");
        if (typedWrong != null) return typedWrong;
        return switch (authenticator.login(client, user, text, "LOGIN")) {
            case AuthResult.Success s -> new SaslStep.Success(s.account(), new byte[0]);
            case AuthResult.Failure f -> new SaslStep.Failure(f.reason());
        };
    }
}
