package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.estafeta.auth.AuthFailure;
import org.estafeta.auth.AuthResult;
import org.estafeta.testing.PostgreSql;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On PostgreSQL the throttle's counts are in the database, so {@code estafeta auth} on a machine with
 * no server of its own (an admin's host with the cluster's configuration) lists and lifts the blocks
 * that a node refuses logins with.
 */
class ClusterAuthCliTest {

    @Test
    void withoutALocalServerTheBlocksAreReadAndLiftedInTheDatabase(@TempDir Path adminHost) throws Exception {
        try (PostgreSql pg = PostgreSql.start()) {
            String db = pg.createDatabase();
            TestServer node = TestServer.start(Map.of("store.url", pg.url(db), "store.user", PostgreSql.USER,
                    "store.password", PostgreSql.PASSWORD, "auth.max_failures_per_login", "3"));
            try {
                InetAddress client = InetAddress.getByName("192.0.2.7");
                var auth = node.server().authenticator();
                for (int i = 0; i < 3; i++) auth.login(client, TestServer.USER, "mal", "test");
                assertThat(auth.login(client, TestServer.USER, TestServer.PASSWORD, "test")).isEqualTo(new AuthResult.Failure(AuthFailure.THROTTLED));

                String[] cluster = {"--set", "store.url=" + pg.url(db), "--set", "store.user=" + PostgreSql.USER,
                        "--set", "store.password=" + PostgreSql.PASSWORD};
                CliRun blocks = CliRun.run(adminHost, "", concat(cluster, "auth", "blocks"));
                assertThat(blocks.code()).as(blocks.err()).isZero();
                assertThat(blocks.out()).containsPattern("login +192\\.0\\.2\\.7 " + TestServer.USER + " +3  20");
                assertThat(CliRun.run(adminHost, "", concat(cluster, "auth", "unblock", "192.0.2.7")).out())
                        .containsPattern("blocks and counts lifted: [1-9]");

                assertThat(auth.blocks()).isEmpty();
                assertThat(auth.login(client, TestServer.USER, TestServer.PASSWORD, "test")).isInstanceOf(AuthResult.Success.class);
            } finally {
                node.closeAndDelete();
            }
        }
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = java.util.Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
