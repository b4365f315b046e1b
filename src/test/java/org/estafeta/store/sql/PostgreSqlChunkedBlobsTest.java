package org.estafeta.store.sql;

import java.time.Duration;
import org.estafeta.config.Config;
import org.estafeta.testing.PostgreSql;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ChunkedBlobsSuite} on a real PostgreSQL, where the nodes of a cluster share the bodies. */
class PostgreSqlChunkedBlobsTest extends ChunkedBlobsSuite {

    private static PostgreSql pg;

    @BeforeAll
    static void startPostgreSql() throws Exception {
        pg = PostgreSql.start();
    }

    @AfterAll
    static void stopPostgreSql() throws Exception {
        if (pg != null) pg.close();
    }

    @Override
    protected SqlDatabase open() throws Exception {
        return SqlDatabase.openPostgresql(new Config.Store(pg.url(pg.createDatabase()), PostgreSql.USER, PostgreSql.PASSWORD, 4,
                Duration.ofSeconds(5), 64 * 1024, Config.BlobPlace.DATABASE));
    }
}
