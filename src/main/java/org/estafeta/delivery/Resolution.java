package org.estafeta.delivery;

import java.util.List;

/** Where a recipient address leads. */
public sealed interface Resolution {

    /** Delivered into the INBOX of these accounts (an alias may name several). */
    record Local(List<Long> accountIds) implements Resolution {
        public Local {
            accountIds = List.copyOf(accountIds);
        }
    }

    /** A domain we serve, but nobody there by that name. */
    record UnknownUser() implements Resolution {
    }

    /** A domain we do not serve: relaying, subject to relay policy. */
    record Remote() implements Resolution {
    }
}
