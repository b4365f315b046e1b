package org.estafeta.imap;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The commands and the states each is allowed in (RFC 9051 §6), checked once by the session's
 * dispatcher. {@link #uidForm} marks those that also come as {@code UID <command>}.
 */
enum ImapCommand {
    // Any state (RFC 9051 §6.1)
    CAPABILITY(State.ANY), NOOP(State.ANY), LOGOUT(State.ANY), ID(State.ANY),
    // Not authenticated (§6.2)
    STARTTLS(State.NOT_AUTHENTICATED_ONLY), AUTHENTICATE(State.NOT_AUTHENTICATED_ONLY), LOGIN(State.NOT_AUTHENTICATED_ONLY),
    // Authenticated (§6.3), also allowed when a mailbox is selected
    ENABLE(State.AUTHENTICATED_OR_SELECTED), SELECT(State.AUTHENTICATED_OR_SELECTED), EXAMINE(State.AUTHENTICATED_OR_SELECTED),
    CREATE(State.AUTHENTICATED_OR_SELECTED), DELETE(State.AUTHENTICATED_OR_SELECTED), RENAME(State.AUTHENTICATED_OR_SELECTED),
    SUBSCRIBE(State.AUTHENTICATED_OR_SELECTED), UNSUBSCRIBE(State.AUTHENTICATED_OR_SELECTED), LIST(State.AUTHENTICATED_OR_SELECTED),
    LSUB(State.AUTHENTICATED_OR_SELECTED), NAMESPACE(State.AUTHENTICATED_OR_SELECTED), STATUS(State.AUTHENTICATED_OR_SELECTED),
    APPEND(State.AUTHENTICATED_OR_SELECTED), IDLE(State.AUTHENTICATED_OR_SELECTED),
    GETQUOTA(State.AUTHENTICATED_OR_SELECTED), GETQUOTAROOT(State.AUTHENTICATED_OR_SELECTED),
    // Selected (§6.4)
    CHECK(State.SELECTED_ONLY), CLOSE(State.SELECTED_ONLY), UNSELECT(State.SELECTED_ONLY),
    EXPUNGE(State.SELECTED_ONLY, true), SEARCH(State.SELECTED_ONLY, true), FETCH(State.SELECTED_ONLY, true),
    STORE(State.SELECTED_ONLY, true), COPY(State.SELECTED_ONLY, true), MOVE(State.SELECTED_ONLY, true),
    SORT(State.SELECTED_ONLY, true), THREAD(State.SELECTED_ONLY, true);

    /** Where a session is (RFC 9051 §3). */
    enum State {
        NOT_AUTHENTICATED, AUTHENTICATED, SELECTED, LOGOUT;

        static final Set<State> ANY = EnumSet.of(NOT_AUTHENTICATED, AUTHENTICATED, SELECTED);
        static final Set<State> NOT_AUTHENTICATED_ONLY = EnumSet.of(NOT_AUTHENTICATED);
        static final Set<State> AUTHENTICATED_OR_SELECTED = EnumSet.of(AUTHENTICATED, SELECTED);
        static final Set<State> SELECTED_ONLY = EnumSet.of(SELECTED);
    }

    final Set<State> allowedIn;
    final boolean uidForm;

    ImapCommand(Set<State> allowedIn) {
        this(allowedIn, false);
    }

    ImapCommand(Set<State> allowedIn, boolean uidForm) {
        this.allowedIn = allowedIn;
        this.uidForm = uidForm;
    }

    /**
     * Every command line looks its verb up here: one hash lookup, where comparing with each of the 32
     * names was, under the fuzzer, a tenth of a command's time (each failed comparison is reported to it).
     */
    private static final Map<String, ImapCommand> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ImapCommand::name, c -> c));

    static ImapCommand of(String verb) {
        return BY_NAME.get(verb);
    }
}
