package org.estafeta.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture itself: a password login over TCP, separate databases, and a restart that keeps the data. */
class PostgreSqlTest {

    @RegisterExtension
    private static final PostgreSql pg = PostgreSql.perClass();

    @Test
    void aRowSurvivesARestartAndTheWrongPasswordIsRefused() throws Exception {
        String db = pg.createDatabase();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), PostgreSql.USER, PostgreSql.PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x int)");
            s.execute("INSERT INTO t VALUES (42)");
        }
        pg.stop();
        assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl(db), PostgreSql.USER, PostgreSql.PASSWORD));
        pg.startAgain();
        assertEquals("42", pg.psql(db, "SELECT x FROM t").strip());
        assertThrows(SQLException.class, () -> DriverManager.getConnection(pg.jdbcUrl(db), PostgreSql.USER, "wrong"));
        assertEquals("", pg.psql(pg.createDatabase(), "SELECT to_regclass('t')").strip());
    }
}
