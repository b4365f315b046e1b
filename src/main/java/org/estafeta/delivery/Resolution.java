package org.estafeta.delivery;

import java.util.List;

/** Where a recipient address leads. */
public sealed interface Resolution {

    /** Delivered to these accounts (an alias may name several) and forwarded to an alias's targets elsewhere. */
    record Local(List<Long> accountIds, List<String> forwards) implements Resolution {
        public Local {
            accountIds = List.copyOf(accountIds);
            forwards = List.copyOf(forwards);
        }
    }

    /** A domain we serve, but nobody there by that name. */
    record UnknownUser() implements Resolution {
    }

    /** A domain we do not serve: relaying, subject to relay policy. */
    record Remote() implements Resolution {
    }
}
