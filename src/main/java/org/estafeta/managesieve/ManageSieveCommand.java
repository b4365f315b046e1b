package org.estafeta.managesieve;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The commands of RFC 5804 §2, each with the states it is allowed in. */
enum ManageSieveCommand {
    AUTHENTICATE(State.NOT_AUTHENTICATED),
    STARTTLS(State.NOT_AUTHENTICATED),
    CAPABILITY(EnumSet.allOf(State.class)),
    NOOP(EnumSet.allOf(State.class)),
    LOGOUT(EnumSet.allOf(State.class)),
    HAVESPACE(State.AUTHENTICATED),
    PUTSCRIPT(State.AUTHENTICATED),
    LISTSCRIPTS(State.AUTHENTICATED),
    SETACTIVE(State.AUTHENTICATED),
    GETSCRIPT(State.AUTHENTICATED),
    DELETESCRIPT(State.AUTHENTICATED),
    RENAMESCRIPT(State.AUTHENTICATED),
    CHECKSCRIPT(State.AUTHENTICATED),
    /** RFC 5804 §2.14.1: back to the non-authenticated state. */
    UNAUTHENTICATE(State.AUTHENTICATED);

    enum State { NOT_AUTHENTICATED, AUTHENTICATED }

    final Set<State> states;

    ManageSieveCommand(State state) {
        this(EnumSet.of(state));
    }

    ManageSieveCommand(Set<State> states) {
        this.states = states;
    }

    static ManageSieveCommand of(String word) {
        try {
            return valueOf(word.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
