package org.estafeta.store.sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.Blob;
import org.estafeta.store.Filing;
import org.estafeta.store.Intake;

/** {@link Intake} in SQL: local rows and queue rows in one transaction of the writer. */
public final class SqlIntake implements Intake {

    private final SqlDatabase db;
    private final MailboxEvents events;

    public SqlIntake(SqlDatabase db, MailboxEvents events) {
        this.db = db;
        this.events = events;
    }

    @Override
    public void accept(Blob blob, Instant arrival, List<Filing> local, List<Outgoing> outgoing, MessageStructure structure) {
        List<Long> mailboxes = db.write(c -> {
            List<Long> ids = new ArrayList<>();
            for (Filing f : local) ids.add(SqlMailboxes.append(c, f, blob, arrival, structure));
            for (Outgoing o : outgoing) {
                if (!o.envelope().recipients().isEmpty()) SqlQueue.insert(c, o.queueId(), blob, arrival, o.envelope());
            }
            return ids;
        });
        // After the commit: IDLE sessions look at the store and must find the message there.
        for (int i = 0; i < local.size(); i++) events.publish(local.get(i).accountId(), mailboxes.get(i));
    }
}
