package org.estafeta.auth;

import org.estafeta.store.Account;

/** What a SASL exchange says after each client message. */
public sealed interface SaslStep {

    /** Send this challenge (possibly empty) and wait for the client's response. */
    record Challenge(byte[] data) implements SaslStep {
    }

    /**
     * Authenticated. {@code additionalData} (SCRAM's server signature) must reach the client before
     * the final success reply; protocols without "additional data with success" send it as one more
     * challenge and expect an empty response (RFC 4422 §4 item 6). Empty when there is none.
     */
    record Success(Account account, byte[] additionalData) implements SaslStep {
    }

    /** {@code hint}: why, for a person typing (see {@link LineBreakHint}); null when there is nothing to say. */
    record Failure(AuthFailure reason, String hint) implements SaslStep {
        public Failure(AuthFailure reason) {
            this(reason, null);
        }
    }
}
