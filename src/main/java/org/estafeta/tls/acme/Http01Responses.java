package org.estafeta.tls.acme;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP-01 challenges being validated now (RFC 8555 §8.3): the CA fetches
 * {@code http://NAME/.well-known/acme-challenge/TOKEN} from the web port and expects the key
 * authorization. Filled by the ACME order while it waits, read by the web listener.
 */
public final class Http01Responses {

    /** The path prefix the CA asks under. */
    public static final String PATH = "/.well-known/acme-challenge/";

    private final Map<String, String> byToken = new ConcurrentHashMap<>();

    void put(String token, String keyAuthorization) {
        byToken.put(token, keyAuthorization);
    }

    void remove(String token) {
        byToken.remove(token);
    }

    /** The key authorization for a token, while its challenge is open. */
    public Optional<String> answer(String token) {
        return Optional.ofNullable(byToken.get(token));
    }
}
