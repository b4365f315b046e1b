package org.estafeta.upgrade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.estafeta.store.StoreException;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema 9: a store in which a build before SMTPUTF8 wrote an IDN in A-labels ({@code xn--espaa-rta.es})
 * is moved to the U-label spelling that every lookup uses now, so that {@code españa.es} and
 * {@code xn--espaa-rta.es} are one domain again, with its accounts, aliases and mail.
 */
class IdnMigrationTest {

    private static final Map<String, String> SETTINGS = Map.of("server.domains", "localhost", "dns.servers", "127.0.0.1:9");
    private static final String MESSAGE = "From: pepe@pepito.es\r\nSubject: nuevo\r\n\r\nya con U-labels\r\n";

    @TempDir
    Path temp;

    /**
     * The schema-5 store that v0.1.0 made (ana@, bob@ and the alias info@ → ana@ of example.test, with
     * mail), its domain renamed in SQL to españa.es as that build stored it when typed in A-labels.
     */
    private Path storeWithALabels() throws Exception {
        Path data = Fixtures.copy(UpgradeTest.FIXTURES.resolve("schema-5"), temp.resolve("data"));
        sql(data, "UPDATE domains SET name = 'xn--espaa-rta.es' WHERE name = 'example.test'",
                "UPDATE accounts SET address = replace(address, '@example.test', '@xn--espaa-rta.es')",
                "UPDATE aliases SET address = 'info@xn--espaa-rta.es', target = 'ana@xn--espaa-rta.es' WHERE address = 'info@example.test'");
        return data;
    }

    private static void sql(Path data, String... statements) throws SQLException {
        try (Connection c = StoreSnapshot.open(data); Statement s = c.createStatement()) {
            for (String statement : statements) s.executeUpdate(statement);
        }
    }

    @Test
    void aDomainStoredInALabelsIsOneDomainWithItsULabelsAfterTheUpgrade() throws Exception {
        Path data = storeWithALabels();
        int before;
        try (TestServer server = TestServer.start(data, SETTINGS, false)) {
            var accounts = server.server().storage().accounts();
            assertThat(accounts.domains()).contains("españa.es").doesNotContain("xn--espaa-rta.es");
            assertThat(accounts.account("ana@xn--espaa-rta.es").orElseThrow().address()).isEqualTo("ana@españa.es");
            assertThat(accounts.account("bob@españa.es")).isPresent();
            assertThat(accounts.aliases()).containsEntry("info@españa.es", List.of("ana@españa.es"));
            before = server.inbox("ana@españa.es").size();
            assertThat(before).as("ana's mail from the old build is still hers").isPositive();
            server.deliver("info@xn--espaa-rta.es", MESSAGE.replace("nuevo", "alias A"));
            server.deliver("info@españa.es", MESSAGE.replace("nuevo", "alias U"));
            assertThat(server.inboxText("ana@españa.es")).hasSize(before + 2).last().asString().endsWith(MESSAGE.replace("nuevo", "alias U"));
        }
        assertThat(StoreSnapshot.schemaVersion(data)).isGreaterThanOrEqualTo(9);
    }

    @Test
    void bothSpellingsOfADomainAreFoldedIntoOne() throws Exception {
        Path data = storeWithALabels();
        // The old build also had españa.es typed in U-labels, as a second domain, with bob in it.
        sql(data, "INSERT INTO domains(name, created) VALUES ('españa.es', 0)",
                "UPDATE accounts SET address = 'bob@españa.es', domain_id = (SELECT id FROM domains WHERE name = 'españa.es')"
                        + " WHERE address = 'bob@xn--espaa-rta.es'");

        try (TestServer server = TestServer.start(data, SETTINGS, false)) {
            var accounts = server.server().storage().accounts();
            assertThat(accounts.domains()).filteredOn(d -> d.contains("espa")).containsExactly("españa.es");
            assertThat(accounts.account("bob@xn--espaa-rta.es")).isPresent();
            assertThat(accounts.account("ana@españa.es")).isPresent();
            accounts.removeAlias("info@españa.es");
            accounts.removeAccount("ana@españa.es");
            accounts.removeAccount("bob@españa.es");
            accounts.removeDomain("españa.es");
            assertThat(accounts.servesDomain("xn--espaa-rta.es")).as("no A-label twin left behind").isFalse();
        }
    }

    @Test
    void twoAccountsThatBecomeOneAddressStopTheUpgradeAndNameIt() throws Exception {
        Path data = storeWithALabels();
        sql(data, "INSERT INTO domains(name, created) VALUES ('españa.es', 0)",
                "UPDATE accounts SET address = 'ana@españa.es', domain_id = (SELECT id FROM domains WHERE name = 'españa.es')"
                        + " WHERE address = 'bob@xn--espaa-rta.es'");

        assertThatThrownBy(() -> TestServer.start(data, SETTINGS, false))
                .hasRootCauseMessage("two accounts are one address, ana@españa.es, once its domain is in U-labels;"
                        + " remove one of them with an earlier build, then start again")
                .isInstanceOf(StoreException.class);
        assertThat(StoreSnapshot.schemaVersion(data)).as("left whole at the version before").isEqualTo(8);
    }
}
