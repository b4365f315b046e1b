package org.estafeta.store.sql;

import java.time.Duration;
import org.estafeta.config.Config;
import org.estafeta.testing.PostgreSql;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChunkedBlobsSuite} on a real PostgreSQL, where the nodes of a cluster share the bodies. */
class PostgreSqlChunkedBlobsTest extends ChunkedBlobsSuite {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();

    @Override
    protected SqlDatabase open() throws Exception {
        return SqlDatabase.openPostgresql(new Config.Store(pg.url(pg.createDatabase()), PostgreSql.USER, PostgreSql.PASSWORD, 4,
                Duration.ofSeconds(5), 64 * 1024, Config.BlobPlace.DATABASE));
    }
}
