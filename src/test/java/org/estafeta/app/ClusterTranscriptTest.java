package org.estafeta.app;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.estafeta.config.Config;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The transcripts under {@code transcripts/cluster/}: what one node does that another must see, each
 * against two nodes (A and B, each with a data dir of its own) on a new PostgreSQL database. A file's
 * name begins with the protocol its sessions speak ({@code pop3-...}).
 */
class ClusterTranscriptTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();
    private static String template;

    @BeforeAll
    static void startPostgreSql() throws Exception {
        template = pg.createDatabase();
        SqlDatabase.openPostgresql(new Config.Store(pg.url(template), PostgreSql.USER, PostgreSql.PASSWORD, 4,
                Duration.ofSeconds(5), 64 * 1024, Config.BlobPlace.DATABASE)).close();
    }

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.files("cluster").stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString().replace(".txt", ""), () -> {
            String protocol = file.getFileName().toString().split("-")[0];
            Transcript transcript = new Transcript(file, protocol);
            Map<String, String> settings = new LinkedHashMap<>(Map.of("store.url", pg.url(pg.createDatabase(template)),
                    "store.user", PostgreSql.USER, "store.password", PostgreSql.PASSWORD, "store.pool_size", "4"));
            settings.putAll(transcript.config());
            TestServer a = TestServer.start(settings);
            try {
                TestServer b = TestServer.start(Files.createTempDirectory("node-b"), settings, false);
                try {
                    Map<String, TestServer> nodes = new LinkedHashMap<>();
                    nodes.put("A", a);
                    nodes.put("B", b);
                    transcript.run(nodes);
                } finally {
                    b.closeAndDelete();
                }
            } finally {
                a.closeAndDelete();
            }
        }));
    }
}
