package org.estafeta.store.sql;

import java.time.Instant;
import java.util.List;
import org.estafeta.store.Blob;
import org.estafeta.store.Envelope;
import org.estafeta.store.Intake;

/** {@link Intake} in SQL: local rows and queue rows in one transaction of the writer. */
public final class SqlIntake implements Intake {

    private final SqlDatabase db;

    public SqlIntake(SqlDatabase db) {
        this.db = db;
    }

    @Override
    public void accept(String queueId, Blob blob, Instant arrival, List<Long> localAccountIds, Envelope remote) {
        db.write(c -> {
            for (long accountId : localAccountIds) SqlMailboxes.append(c, accountId, "INBOX", blob, arrival);
            if (remote != null && !remote.recipients().isEmpty()) SqlQueue.insert(c, queueId, blob, arrival, remote);
            return null;
        });
    }
}
