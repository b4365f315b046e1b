package org.estafeta.auth;

import java.io.IOException;
import java.util.Base64;
import org.estafeta.store.Account;

/**
 * Drives one SASL exchange over a protocol's framing: base64 both ways, "*" to cancel, the initial
 * response ("=" for an empty one), and additional data with success sent as a last challenge for
 * protocols that cannot carry it in their success reply (RFC 4422 §4). SMTP AUTH, POP3 AUTH and
 * IMAP AUTHENTICATE differ only in how a challenge line looks, which {@link Channel} supplies.
 */
public final class SaslConversation {

    /** The protocol's half: send a challenge line ("334 …", "+ …") and read the client's answer line. */
    public interface Channel {
        /** @return the client's line without its line end, or null when the connection is gone */
        String challenge(String base64) throws IOException;
    }

    public sealed interface Outcome {
        record Authenticated(Account account) implements Outcome {
        }

        /** {@code hint}: a reason a person typing can act on, for net.lenient_networks only; null when none. */
        record Failed(AuthFailure reason, String hint) implements Outcome {
            /** The reply text: {@code generic}, and the hint after it where the client may see it. */
            public String text(String generic, boolean lenient) {
                return lenient && hint != null ? generic + ": " + hint : generic;
            }
        }

        /** The client answered "*" (RFC 4422 §3.5). */
        record Cancelled() implements Outcome {
        }

        /** The client's answer was not base64. */
        record BadEncoding() implements Outcome {
        }

        record Disconnected() implements Outcome {
        }
    }

    private SaslConversation() {
    }

    /**
     * @param initialResponse the base64 initial response from the command line, "=" for empty, or null
     */
    public static Outcome run(SaslExchange exchange, String initialResponse, Channel channel) throws IOException {
        byte[] response;
        if (initialResponse == null) {
            response = null;
        } else if (initialResponse.equals("=")) {
            response = new byte[0];
        } else {
            response = decode(initialResponse);
            if (response == null) return new Outcome.BadEncoding();
        }
        while (true) {
            switch (exchange.next(response)) {
                case SaslStep.Challenge c -> {
                    String line = channel.challenge(Base64.getEncoder().encodeToString(c.data()));
                    if (line == null) return new Outcome.Disconnected();
                    if (line.strip().equals("*")) return new Outcome.Cancelled();
                    response = decode(line.strip());
                    if (response == null) return new Outcome.BadEncoding();
                }
                case SaslStep.Success s -> {
                    if (s.additionalData().length > 0) {
                        String line = channel.challenge(Base64.getEncoder().encodeToString(s.additionalData()));
                        if (line == null) return new Outcome.Disconnected();
                        if (line.strip().equals("*")) return new Outcome.Cancelled();
                    }
                    return new Outcome.Authenticated(s.account());
                }
                case SaslStep.Failure f -> {
                    return new Outcome.Failed(f.reason(), f.hint());
                }
            }
        }
    }

    private static byte[] decode(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
