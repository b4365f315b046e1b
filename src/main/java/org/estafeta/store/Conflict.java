package org.estafeta.store;

/** The request contradicts what is stored (already exists, does not exist, still in use); the text is for people. */
public final class Conflict extends StoreException {
    public Conflict(String message) {
        super(message);
    }
}
