package org.estafeta.store;

/** A mailbox owner who can log in. {@code passwordHash} is a PHC string (see auth.PasswordHasher). */
public record Account(long id, String address, String passwordHash, boolean admin, boolean disabled) {
    @Override
    public String toString() {
        return "Account[" + address + (admin ? ", admin" : "") + (disabled ? ", disabled" : "") + "]";
    }
}
