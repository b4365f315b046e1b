package org.estafeta.delivery;

import java.util.List;
import org.estafeta.store.Filing;

/** Where one recipient address leads, as RCPT learns it. Only {@link Local} and {@link Remote} can be delivered. */
public sealed interface Route {

    /**
     * Mailboxes here (an alias may name several accounts), and the alias's targets in other domains,
     * which are forwarded with an SRS sender.
     */
    record Local(List<Filing> targets, List<String> forwards) implements Route {
        public Local {
            targets = List.copyOf(targets);
            forwards = List.copyOf(forwards);
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
