package org.estafeta.app;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.estafeta.config.Config;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The IMAP, POP3 and ManageSieve transcripts (the protocols that read and change stored mail and
 * scripts) again, each against a server whose store is a new PostgreSQL database: what passes on
 * SQLite must pass on PostgreSQL. Each database is a copy of one migrated once.
 */
class PostgreSqlTranscriptTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();
    private static String template;

    @BeforeAll
    static void startPostgreSql() throws Exception {
        template = pg.createDatabase();
        SqlDatabase.openPostgresql(store(template)).close();
    }

    private static Config.Store store(String database) {
        return new Config.Store(pg.url(database), PostgreSql.USER, PostgreSql.PASSWORD, 4, Duration.ofSeconds(5), 64 * 1024, Config.BlobPlace.DATABASE);
    }

    private static final Callable<Map<String, String>> NEW_DATABASE = () -> Map.of("store.url", pg.url(pg.createDatabase(template)),
            "store.user", PostgreSql.USER, "store.password", PostgreSql.PASSWORD, "store.pool_size", "4");

    @TestFactory
    Stream<DynamicTest> imap() throws Exception {
        return Transcript.tests("imap", NEW_DATABASE);
    }

    @TestFactory
    Stream<DynamicTest> pop3() throws Exception {
        return Transcript.tests("pop3", NEW_DATABASE);
    }

    @TestFactory
    Stream<DynamicTest> managesieve() throws Exception {
        return Transcript.tests("managesieve", NEW_DATABASE);
    }
}
