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

    private static final Map<String, String> SETTINGS = Map.of("server.domains", "servidor.es,localhost");
    private static final String MESSAGE = "From: pepe@pepito.es\r\nSubject: antes\r\n\r\nya estaba\r\n";

    @TempDir
    Path temp;

    /** A store with info@españa.es (one message) and ventas@ → info@, then written back as an older build had it: in A-labels at schema 8. */
    private Path storeWithALabels() throws SQLException {
        Path data = temp.resolve("data");
        try (TestServer server = TestServer.start(data, SETTINGS, true)) {
            server.server().storage().accounts().addDomain("españa.es");
            server.addAccount("info@españa.es");
            server.server().storage().accounts().addAlias("ventas@españa.es", List.of("info@españa.es"));
            server.deliver("info@españa.es", MESSAGE);
        }
        sql(data, "UPDATE domains SET name = 'xn--espaa-rta.es' WHERE name = 'españa.es'",
                "UPDATE accounts SET address = 'info@xn--espaa-rta.es' WHERE address = 'info@españa.es'",
                "UPDATE aliases SET address = 'ventas@xn--espaa-rta.es', target = 'info@xn--espaa-rta.es' WHERE address = 'ventas@españa.es'",
                "DELETE FROM flyway_schema_history WHERE version = '9'");
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
        assertThat(StoreSnapshot.schemaVersion(data)).isEqualTo(8);

        try (TestServer server = TestServer.start(data, SETTINGS, false)) {
            var accounts = server.server().storage().accounts();
            assertThat(accounts.domains()).contains("españa.es").doesNotContain("xn--espaa-rta.es");
            assertThat(accounts.account("info@xn--espaa-rta.es").orElseThrow().address()).isEqualTo("info@españa.es");
            assertThat(accounts.aliases()).containsEntry("ventas@españa.es", List.of("info@españa.es"));
            server.deliver("ventas@xn--espaa-rta.es", MESSAGE.replace("antes", "alias A"));
            server.deliver("ventas@españa.es", MESSAGE.replace("antes", "alias U"));
            assertThat(server.inboxText("info@españa.es")).hasSize(3).first().asString().endsWith(MESSAGE);
        }
        assertThat(StoreSnapshot.schemaVersion(data)).isEqualTo(9);
    }

    @Test
    void bothSpellingsOfADomainAreFoldedIntoOne() throws Exception {
        Path data = storeWithALabels();
        // An older build also had españa.es typed in U-labels, as a second domain with its own account.
        sql(data, "INSERT INTO domains(name, created) VALUES ('españa.es', 0)",
                "UPDATE accounts SET address = 'ana@españa.es', domain_id = (SELECT id FROM domains WHERE name = 'españa.es')"
                        + " WHERE address = 'pepe@servidor.es'");

        try (TestServer server = TestServer.start(data, SETTINGS, false)) {
            var accounts = server.server().storage().accounts();
            assertThat(accounts.domains()).filteredOn(d -> d.contains("espa")).containsExactly("españa.es");
            assertThat(accounts.account("ana@xn--espaa-rta.es")).isPresent();
            assertThat(accounts.account("info@españa.es")).isPresent();
            server.server().storage().accounts().removeAccount("ana@españa.es");
            server.server().storage().accounts().removeAccount("info@españa.es");
            server.server().storage().accounts().removeAlias("ventas@españa.es");
            server.server().storage().accounts().removeDomain("españa.es");
            assertThat(accounts.servesDomain("xn--espaa-rta.es")).as("no A-label twin left behind").isFalse();
        }
    }

    @Test
    void twoAccountsThatBecomeOneAddressStopTheUpgradeAndNameIt() throws Exception {
        Path data = storeWithALabels();
        sql(data, "INSERT INTO domains(name, created) VALUES ('españa.es', 0)",
                "UPDATE accounts SET address = 'info@españa.es', domain_id = (SELECT id FROM domains WHERE name = 'españa.es')"
                        + " WHERE address = 'pepe@servidor.es'");

        assertThatThrownBy(() -> TestServer.start(data, SETTINGS, false))
                .hasRootCauseMessage("two accounts are one address, info@españa.es, once its domain is in U-labels;"
                        + " remove one of them with an earlier build, then start again")
                .isInstanceOf(StoreException.class);
        assertThat(StoreSnapshot.schemaVersion(data)).as("left whole at the version before").isEqualTo(8);
    }
}
