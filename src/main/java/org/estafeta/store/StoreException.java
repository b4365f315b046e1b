package org.estafeta.store;

/** The store could not do what was asked: disk, database or integrity trouble. Never a user error. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
