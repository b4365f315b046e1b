package org.estafeta.store;

/**
 * The database cannot be reached at the moment (down, restarting, every connection busy past
 * {@code store.timeout}): nothing was stored, and the same request may well succeed in a moment.
 * Sessions answer it as a temporary failure: SMTP 451 4.3.0, IMAP NO [UNAVAILABLE] (RFC 5530 §3).
 */
public final class StoreUnavailable extends StoreException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
