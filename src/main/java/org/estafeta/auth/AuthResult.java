package org.estafeta.auth;

import org.estafeta.store.Account;

/** The outcome of checking a user name and password. */
public sealed interface AuthResult {

    record Success(Account account) implements AuthResult {
    }

    record Failure(AuthFailure reason) implements AuthResult {
    }
}
