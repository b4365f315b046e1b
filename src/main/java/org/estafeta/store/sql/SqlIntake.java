package org.estafeta.store.sql;

import java.util.ArrayList;
import java.util.List;
import org.estafeta.events.MailboxEvents;
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
    public List<List<Filed>> acceptAll(List<Arrival> messages) {
        List<List<Filed>> filed = db.write(c -> {
            List<List<Filed>> all = new ArrayList<>();
            for (Arrival a : messages) {
                List<Filed> copies = new ArrayList<>();
                for (Filing f : a.local()) copies.add(SqlMailboxes.append(c, f, a.blob(), a.arrival(), a.summary()));
                for (Outgoing o : a.outgoing()) {
                    if (!o.envelope().recipients().isEmpty()) SqlQueue.insert(c, o.queueId(), a.blob(), a.arrival(), o.envelope());
                }
                all.add(copies);
            }
            return all;
        });
        // After the commit: IDLE sessions look at the store and must find the message there.
        for (int m = 0; m < messages.size(); m++) {
            List<Filing> local = messages.get(m).local();
            for (int i = 0; i < local.size(); i++) events.publish(local.get(i).accountId(), filed.get(m).get(i).mailboxId());
        }
        return filed;
    }
}
