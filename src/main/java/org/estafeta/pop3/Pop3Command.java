package org.estafeta.pop3;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The POP3 commands this server knows, each with the session states it is valid in and its syntax for errors. */
enum Pop3Command {
    // RFC 1939 §4, RFC 2595 §4, RFC 5034 §4: AUTHORIZATION only.
    USER(State.AUTHORIZATION, "USER name"),
    PASS(State.AUTHORIZATION, "PASS password"),
    AUTH(State.AUTHORIZATION, "AUTH mechanism [initial-response]"),
    STLS(State.AUTHORIZATION, "STLS"),
    /** RFC 1939 §7: needs a plaintext-equivalent secret per account, which we do not keep; refused clearly. */
    APOP(State.AUTHORIZATION, "APOP name digest"),
    /** RFC 6856 §3: messages with UTF-8 header fields are sent as they are, not downgraded. */
    UTF8(State.AUTHORIZATION, "UTF8"),
    // RFC 2449 §5 and RFC 1939 §4, §6: in either state.
    CAPA(EnumSet.allOf(State.class), "CAPA"),
    QUIT(EnumSet.allOf(State.class), "QUIT"),
    // RFC 1939 §5, §7: TRANSACTION only.
    STAT(State.TRANSACTION, "STAT"),
    LIST(State.TRANSACTION, "LIST [msg]"),
    RETR(State.TRANSACTION, "RETR msg"),
    DELE(State.TRANSACTION, "DELE msg"),
    NOOP(State.TRANSACTION, "NOOP"),
    RSET(State.TRANSACTION, "RSET"),
    TOP(State.TRANSACTION, "TOP msg lines"),
    UIDL(State.TRANSACTION, "UIDL [msg]");

    /** RFC 1939 §3. UPDATE is not listed: it lasts only while QUIT commits, and takes no commands. */
    enum State { AUTHORIZATION, TRANSACTION }

    final Set<State> states;
    /** Shown in "-ERR Syntax: …" replies. */
    final String syntax;

    Pop3Command(State state, String syntax) {
        this(EnumSet.of(state), syntax);
    }

    Pop3Command(Set<State> states, String syntax) {
        this.states = states;
        this.syntax = syntax;
    }

    /** The command for a keyword, case-insensitively (RFC 1939 §3); null when unknown. */
    static Pop3Command of(String keyword) {
        if (keyword.length() < 3 || keyword.length() > 4) return null;
        try {
            return valueOf(keyword.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
