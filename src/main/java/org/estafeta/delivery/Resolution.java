package org.estafeta.delivery;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Where a recipient address leads. */
public sealed interface Resolution {

    /** Delivered to these accounts (an alias may name several) and forwarded to an alias's targets elsewhere. */
    /** {@code quotas}: each account's own quota as read with the account (absent: not read, e.g. postmaster's admins). */
    record Local(List<Long> accountIds, List<String> forwards, Map<Long, OptionalLong> quotas) implements Resolution {
        public Local {
            accountIds = List.copyOf(accountIds);
            forwards = List.copyOf(forwards);
            quotas = Map.copyOf(quotas);
        }
    }

    /** A domain we serve, but nobody there by that name. */
    record UnknownUser() implements Resolution {
    }

    /** A domain we do not serve: relaying, subject to relay policy. */
    record Remote() implements Resolution {
    }
}
