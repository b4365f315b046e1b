package org.estafeta.store.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChunkedBlobsSuite} on the embedded SQLite ({@code store.blobs = "database"} without PostgreSQL). */
class SqliteChunkedBlobsTest extends ChunkedBlobsSuite {

    @TempDir
    Path dir;

    @Override
    protected SqlDatabase open() {
        return SqlDatabase.openSqlite(dir);
    }
}
