package org.estafeta.delivery;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.estafeta.store.Filing;

/** Where one recipient address leads, as RCPT learns it. Only {@link Local} and {@link Remote} can be delivered. */
public sealed interface Route {

    /**
     * Mailboxes here (an alias may name several accounts), and the alias's targets in other domains,
     * which are forwarded with an SRS sender; {@code quotas}: the accounts' own quotas as RCPT read them
     * with the accounts, so that DATA need not read them again (an account without one here is looked up).
     */
    record Local(List<Filing> targets, List<String> forwards, Map<Long, OptionalLong> quotas) implements Route {
        public Local {
            targets = List.copyOf(targets);
            forwards = List.copyOf(forwards);
            quotas = Map.copyOf(quotas);
        }

        public Local(List<Filing> targets, List<String> forwards) {
            this(targets, forwards, Map.of());
        }
    }

    /** A domain we do not serve: the outbound queue, if the sender may relay. */
    record Remote() implements Route {
    }

    /** A local recipient whose mailbox is at its quota (552 5.2.2). */
    record Full() implements Route {
    }

    /** A domain we serve, but nobody there by that name (550 5.1.1). */
    record Unknown() implements Route {
    }
}
