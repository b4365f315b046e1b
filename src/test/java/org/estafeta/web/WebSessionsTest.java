package org.estafeta.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.estafeta.auth.PasswordHasher;
import org.estafeta.store.Credentials;
import org.estafeta.store.sql.SqlAccounts;
import org.estafeta.store.sql.SqlDatabase;
import org.estafeta.store.sql.SqlWebLogins;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' {@link WebSessions} over one store (a SQLite file here; ClusterStateTest does it through
 * two servers on PostgreSQL): expiry counts from the last use on either node, a notice left by one is
 * shown by the other once, and the store ends an account's sessions with a new password or a disable.
 */
class WebSessionsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Credentials CREDENTIALS = new PasswordHasher().credentials("clave-de-prueba");

    @TempDir
    Path dir;
    private SqlDatabase db;
    private SqlAccounts accounts;
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-01T10:00:00Z").toEpochMilli());
    private WebSessions nodeA, nodeB;
    private long account;

    @BeforeEach
    void open() {
        db = SqlDatabase.openSqlite(dir);
        accounts = new SqlAccounts(db);
        accounts.addDomain("servidor.es");
        account = accounts.addAccount("ana@servidor.es", CREDENTIALS, false).id();
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());
        nodeA = new WebSessions(new SqlWebLogins(db), TIMEOUT, clock);
        nodeB = new WebSessions(new SqlWebLogins(db), TIMEOUT, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aSessionLastsWhileUsedThroughEitherNodeAndExpiresOnBoth() {
        String token = nodeA.create(account);
        assertThat(nodeB.get(token)).hasValueSatisfying(s -> {
            assertThat(s.address).isEqualTo("ana@servidor.es");
            assertThat(s.id).as("the store keys it by a hash, not by the token").isNotEqualTo(token).hasSize(64);
        });
        now.addAndGet(50_000);
        assertThat(nodeA.get(token)).isPresent();
        now.addAndGet(50_000);
        assertThat(nodeB.get(token)).as("100 s after login, 50 s after its last use").isPresent();
        now.addAndGet(61_000);
        assertThat(nodeA.get(token)).isEmpty();
        assertThat(nodeB.get(token)).isEmpty();
        assertThat(nodeA.get("not-a-token")).isEmpty();
    }

    @Test
    void aNoticeLeftByOneNodeIsShownOnceByTheOther() {
        String token = nodeA.create(account);
        nodeA.get(token).orElseThrow().notice("Mensaje enviado.");
        WebSessions.Session onB = nodeB.get(token).orElseThrow();
        assertThat(onB.notice).isEqualTo("Mensaje enviado.");
        onB.noticeShown();
        assertThat(nodeA.get(token).orElseThrow().notice).isNull();
    }

    @Test
    void aNewPasswordOrADisableEndsTheAccountsSessionsOnBothNodes() {
        String first = nodeA.create(account), second = nodeB.create(account);
        accounts.setDisabled("ana@servidor.es", false);
        assertThat(nodeB.get(first)).as("enabling ends nothing").isPresent();
        accounts.setCredentials("ana@servidor.es", new PasswordHasher().credentials("otra-clave-nueva"));
        assertThat(nodeB.get(first)).isEmpty();
        assertThat(nodeA.get(second)).isEmpty();

        String third = nodeA.create(account);
        accounts.setDisabled("ana@servidor.es", true);
        assertThat(nodeB.get(third)).isEmpty();
    }

    @Test
    void loggingOutOnOneNodeEndsTheSessionOnTheOther() {
        String token = nodeA.create(account);
        nodeB.remove(nodeB.get(token).orElseThrow());
        assertThat(nodeA.get(token)).isEmpty();
        assertThat(nodeA.count()).isZero();
    }
}
