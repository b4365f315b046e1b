package org.estafeta.auth;

/** Why authentication did not succeed, in the terms a protocol needs to choose its reply. */
public enum AuthFailure {
    /** The client's message does not follow the mechanism (bad PLAIN message, SCRAM syntax, bad UTF-8). */
    MALFORMED,
    /** Unknown user, wrong password, disabled account, or an authorization identity we do not allow: one answer for all. */
    INVALID_CREDENTIALS,
    /** Too many failures from this client address lately; not even checked. */
    THROTTLED,
    /** The store could not be read; try again later. */
    UNAVAILABLE
}
