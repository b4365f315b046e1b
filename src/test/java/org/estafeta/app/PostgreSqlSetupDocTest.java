package org.estafeta.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.estafeta.testing.ImapDialog;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * docs/postgresql.md's "Setting up the database", run as written on a throwaway cluster: the role it
 * creates is not a superuser, and a node on the database it creates migrates the schema (pg_trgm
 * included, which the owner may create because it is a trusted extension), takes mail and finds it by
 * IMAP SEARCH TEXT. Only what cannot run in a test changes: the role's name (the test cluster's
 * superuser is already called {@code estafeta}), the socket and port of the cluster, and the password,
 * set by SQL instead of typed at {@code --pwprompt}.
 */
class PostgreSqlSetupDocTest {

    private static final String ROLE = "mailsrv";
    private static final String ROLE_PASSWORD = "secreto-del-nodo";

    @Test
    void theDocumentedRoleAndDatabaseServeANode() throws Exception {
        List<List<String>> commands = documentedCommands();
        assertThat(commands).extracting(c -> c.getFirst()).containsExactly("createuser", "createdb");
        try (PostgreSql pg = PostgreSql.start()) {
            for (List<String> command : commands) {
                List<String> args = new ArrayList<>(command.subList(1, command.size()));
                args.remove("--pwprompt");
                args.replaceAll(a -> a.equals("estafeta") ? ROLE : a);
                pg.client(command.getFirst(), args);
            }
            pg.psql("ALTER ROLE " + ROLE + " PASSWORD '" + ROLE_PASSWORD + "'");
            assertThat(pg.psql("SELECT rolsuper FROM pg_roles WHERE rolname = '" + ROLE + "'").strip()).isEqualTo("f");

            TestServer node = TestServer.start(Map.of("store.url", pg.url(ROLE), "store.user", ROLE, "store.password", ROLE_PASSWORD));
            try {
                node.deliver(TestServer.USER, "Subject: instalado como dice la guía\r\n\r\nUna palabra rara: zarzaparrilla.\r\n");
                try (ImapDialog imap = ImapDialog.login(node)) {
                    imap.command("SELECT INBOX");
                    assertThat(imap.command("SEARCH TEXT zarzaparrilla")).contains("* SEARCH 1").last().asString().startsWith("a OK");
                }
            } finally {
                node.closeAndDelete();
            }
            assertThat(pg.psql(ROLE, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").strip()).isEqualTo("pg_trgm");
            assertThat(pg.psql(ROLE, "SELECT tableowner FROM pg_tables WHERE tablename = 'messages'").strip()).isEqualTo(ROLE);
        }
    }

    /** The commands of the "Setting up the database" block, without "sudo -u postgres". */
    private static List<List<String>> documentedCommands() throws Exception {
        String doc = Files.readString(Path.of("docs/postgresql.md"));
        String section = doc.substring(doc.indexOf("## Setting up the database"));
        String block = section.substring(section.indexOf("```sh\n") + 6, section.indexOf("```", section.indexOf("```sh\n") + 6));
        List<List<String>> out = new ArrayList<>();
        for (String line : block.strip().split("\n")) {
            assertThat(line).startsWith("sudo -u postgres ");
            out.add(Arrays.asList(line.substring("sudo -u postgres ".length()).strip().split(" +")));
        }
        return out;
    }
}
