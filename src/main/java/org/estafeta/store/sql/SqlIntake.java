package org.estafeta.store.sql;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.estafeta.events.MailboxEvents;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.Blob;
import org.estafeta.store.Envelope;
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
    public void accept(String queueId, Blob blob, Instant arrival, List<Long> localAccountIds, Envelope remote,
                       MessageStructure structure) {
        List<Long> inboxes = db.write(c -> {
            List<Long> ids = new ArrayList<>();
            for (long accountId : localAccountIds) ids.add(SqlMailboxes.append(c, accountId, "INBOX", blob, arrival, structure));
            if (remote != null && !remote.recipients().isEmpty()) SqlQueue.insert(c, queueId, blob, arrival, remote);
            return ids;
        });
        // After the commit: IDLE sessions look at the store and must find the message there.
        for (int i = 0; i < localAccountIds.size(); i++) events.publish(localAccountIds.get(i), inboxes.get(i));
    }

    @Override
    public void acceptFiled(String queueId, Blob blob, Instant arrival, List<Filing> filings, Envelope remote, MessageStructure structure) {
        List<Long> boxes = db.write(c -> {
            List<Long> ids = new ArrayList<>();
            for (Filing f : filings) ids.add(SqlMailboxes.file(c, f, blob, arrival, structure));
            if (remote != null && !remote.recipients().isEmpty()) SqlQueue.insert(c, queueId, blob, arrival, remote);
            return ids;
        });
        for (int i = 0; i < filings.size(); i++) events.publish(filings.get(i).accountId(), boxes.get(i));
    }
}
