package org.estafeta.store.sql;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreSuite} on the embedded SQLite, the default store. */
class SqliteStoreTest extends StoreSuite {

    @TempDir
    Path dir;

    @Override
    protected SqlDatabase open() {
        return SqlDatabase.openSqlite(dir);
    }
}
