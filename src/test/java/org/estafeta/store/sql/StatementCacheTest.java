package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prepared statements a SQLite connection keeps between uses, on a real database file in WAL
 * mode: the same SQL gets the same statement back, reset, so that what one caller left behind (a
 * parameter, an open result set and with it an old read snapshot) never reaches the next.
 */
class StatementCacheTest {

    @TempDir
    Path dir;
    private String url;

    @BeforeEach
    void database() throws SQLException {
        url = "jdbc:sqlite:" + dir.resolve("t.db");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)");
            s.execute("INSERT INTO t VALUES ('a', 1), ('b', 2)");
        }
    }

    @Test
    void theSameSqlGetsTheSamePreparedStatementBackWithItsParametersCleared() throws SQLException {
        try (Connection c = StatementCache.wrap(DriverManager.getConnection(url))) {
            PreparedStatement first = unwrapped(c, "SELECT v FROM t WHERE k = ?", "a");
            PreparedStatement second;
            try (PreparedStatement ps = c.prepareStatement("SELECT v FROM t WHERE k = ?")) {
                // A parameter left unset is NULL again, not the previous caller's 'a'.
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isFalse();
                }
                second = ps.unwrap(PreparedStatement.class);
            }
            assertThat(second).isSameAs(first);
        }
    }

    @Test
    void aResultSetLeftOpenIsClosedSoTheNextUseSeesNewCommits() throws SQLException {
        try (Connection reader = StatementCache.wrap(DriverManager.getConnection(url));
             Connection writer = DriverManager.getConnection(url)) {
            PreparedStatement ps = reader.prepareStatement("SELECT count(*) FROM t");
            ResultSet left = ps.executeQuery();
            assertThat(left.next()).isTrue();
            ps.close();
            assertThat(left.isClosed()).isTrue();
            try (Statement s = writer.createStatement()) {
                s.execute("INSERT INTO t VALUES ('c', 3)");
            }
            try (PreparedStatement again = reader.prepareStatement("SELECT count(*) FROM t"); ResultSet rs = again.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("rows, read after the other connection's commit").isEqualTo(3);
            }
        }
    }

    @Test
    void theSameSqlRunInsideItsOwnResultLoopGetsAStatementOfItsOwn() throws SQLException {
        try (Connection c = StatementCache.wrap(DriverManager.getConnection(url))) {
            List<Integer> pairs = new ArrayList<>();
            try (PreparedStatement outer = c.prepareStatement("SELECT v FROM t ORDER BY k"); ResultSet rs = outer.executeQuery()) {
                while (rs.next()) {
                    try (PreparedStatement inner = c.prepareStatement("SELECT v FROM t ORDER BY k"); ResultSet in = inner.executeQuery()) {
                        assertThat(inner).isNotSameAs(outer);
                        while (in.next()) pairs.add(rs.getInt(1) * 10 + in.getInt(1));
                    }
                }
            }
            assertThat(pairs).containsExactly(11, 12, 21, 22);
        }
    }

    @Test
    void aStatementGivenBackCannotBeUsedByItsFormerCaller() throws SQLException {
        try (Connection c = StatementCache.wrap(DriverManager.getConnection(url))) {
            PreparedStatement ps = c.prepareStatement("SELECT v FROM t");
            ps.close();
            assertThat(ps.isClosed()).isTrue();
            assertThatThrownBy(ps::executeQuery).isInstanceOf(SQLException.class).hasMessageContaining("after close");
        }
    }

    @Test
    void pastItsCapacityTheLeastRecentlyUsedStatementsAreClosed() throws SQLException {
        try (Connection c = StatementCache.wrap(DriverManager.getConnection(url))) {
            PreparedStatement oldest = unwrapped(c, "SELECT 0", null);
            PreparedStatement kept = unwrapped(c, "SELECT -1", null);
            for (int i = 1; i <= StatementCache.CAPACITY - 1; i++) {
                unwrapped(c, "SELECT " + i, null);
                if (i % 10 == 0) unwrapped(c, "SELECT -1", null); // used again: recent
            }
            assertThat(oldest.isClosed()).isTrue();
            assertThat(kept.isClosed()).isFalse();
        }
    }

    @Test
    void aProxyEqualsItselfAlone() throws SQLException {
        try (Connection c = StatementCache.wrap(DriverManager.getConnection(url)); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            assertThat(c).isEqualTo(c).hasSameHashCodeAs(c);
            assertThat(ps).isEqualTo(ps).isNotEqualTo(ps.unwrap(PreparedStatement.class));
            assertThat(java.util.Set.of(c, ps)).hasSize(2);
        }
    }

    @Test
    void closingTheConnectionClosesWhatItKept() throws SQLException {
        Connection c = StatementCache.wrap(DriverManager.getConnection(url));
        PreparedStatement kept = unwrapped(c, "SELECT v FROM t WHERE k = ?", "b");
        c.close();
        assertThat(kept.isClosed()).isTrue();
        assertThat(c.isClosed()).isTrue();
    }

    /** Runs {@code sql} once through the cache and returns the driver's statement behind it. */
    private static PreparedStatement unwrapped(Connection c, String sql, String parameter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (parameter != null) ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
            return ps.unwrap(PreparedStatement.class);
        }
    }
}
