package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every schema version exists in both dialects: a migration added for SQLite without its PostgreSQL
 * twin (or the reverse) would leave one of them a schema short, found only when a node on it breaks.
 */
class MigrationsAlignedTest {

    private static Set<String> versions(String dialect) throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db", dialect))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("V[0-9_]+__.*\\.sql"))
                    .map(n -> n.substring(0, n.indexOf("__"))).collect(Collectors.toSet());
        }
    }

    @Test
    void sqliteAndPostgresqlHaveTheSameSchemaVersions() throws IOException {
        assertThat(versions("postgresql")).as("db/postgresql versions").isEqualTo(versions("sqlite")).contains("V1", "V10");
    }
}
