package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.estafeta.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Outside net.lenient_networks a bare-LF "." never ends DATA (smuggling), and the client sees nothing:
 * the log says once that the session waits for CRLF.CRLF, so whoever typed with plain nc finds why.
 */
class BareLfDotLogTest {

    @Test
    void aBareLfDotIsLoggedOnceAndTheSessionWaitsForCrlfDotCrlf() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(DataReader.class);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        logger.addAppender(seen);
        TestServer server = TestServer.start(Map.of("net.lenient_networks", ""));
        try (Socket s = new Socket("127.0.0.1", server.port("smtp"))) {
            s.setSoTimeout(30_000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            out.write(("HELO nc\r\nMAIL FROM:<pepe@pepito.es>\r\nRCPT TO:<" + TestServer.USER + ">\r\nDATA\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("250");
            assertThat(in.readLine()).startsWith("354");
            out.write("Subject: nc\n\nhola\n.\notra vez\n.\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> !lines(seen).isEmpty());
            assertThat(lines(seen)).singleElement().asString()
                    .isEqualTo("127.0.0.1: a \".\" line with a bare LF does not end the message; the session waits for CRLF.CRLF "
                            + "(type with nc -C or openssl s_client -crlf, or add the client to net.lenient_networks)");
            out.write("\r\n.\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(in.readLine()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(lines(seen)).hasSize(1);
        } finally {
            logger.detachAppender(seen);
            server.closeAndDelete();
        }
    }

    private static java.util.List<String> lines(ListAppender<ILoggingEvent> seen) {
        return org.estafeta.testing.Logged.events(seen).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
}
