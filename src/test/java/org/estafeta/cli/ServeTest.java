package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.estafeta.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code estafeta serve} as a person starts it: each documented setting starts, or is refused with one line and exit code 1. */
class ServeTest {

    @TempDir
    Path data;

    @Test
    void aWebPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            int port = taken.getLocalPort();
            for (String key : new String[] {"web.port", "web.tls_port"}) {
                ServerProcess.Exit exit = ServerProcess.expectExit(data, new java.util.HashMap<>(Map.of("web.port", "0", "web.tls_port", "0")) {
                    {
                        put(key, String.valueOf(port));
                    }
                });
                assertThat(exit.code()).as(key).isEqualTo(1);
                assertThat(exit.problems()).as(key).singleElement().asString()
                        .startsWith("estafeta: cannot listen for web").contains("port " + port, key);
            }
        }
    }

    @Test
    void eitherWebPortAloneStarts() throws Exception {
        for (var web : new Map[] {Map.of("web.port", "0", "web.tls_port", "-1"), Map.of("web.port", "-1", "web.tls_port", "0")}) {
            @SuppressWarnings("unchecked")
            ServerProcess server = ServerProcess.start(data, web);
            server.kill9();
        }
    }

    @Test
    void anEmptyDurationOrABadBindAddressIsOneLine() throws Exception {
        for (var bad : Map.of("queue.max_age", "", "queue.poll_interval", "", "server.bind", "-1").entrySet()) {
            ServerProcess.Exit exit = ServerProcess.expectExit(data, Map.of(bad.getKey(), bad.getValue()));
            assertThat(exit.code()).as(bad.getKey()).isEqualTo(1);
            assertThat(exit.problems()).as(bad.getKey()).singleElement().asString()
                    .startsWith("estafeta: ").contains(bad.getKey());
        }
    }
}
