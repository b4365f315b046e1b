package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.estafeta.net.Connection;
import org.estafeta.testing.ByteSocket;
import org.junit.jupiter.api.Test;

/** The DATA reader's line ends at their edges; the fuzz test (DataReaderFuzzTest) checks the rest. */
class DataReaderTest {

    /** Issue 10 item 2: "hello" CR "." CRLF was stored and relayed as is; a next hop may end the message at the bare CR. */
    @Test
    void bareCrIsStoredAsCrlf() throws IOException {
        Result r = read("hello\r.\r\nMAIL FROM:<ceo@bank.test>\r\n.\r\nQUIT\r\n");
        assertThat(r.content).isEqualTo("hello\r\n.\r\nMAIL FROM:<ceo@bank.test>\r\n");
        assertThat(r.rest).isEqualTo("QUIT\r\n");
    }

    /**
     * A CRLF split by the 64 KiB chunking of a long line was a bare CR and a bare LF: the message then did
     * not end at the CRLF "." CRLF that followed, and the client's next commands became content.
     */
    @Test
    void crlfAtTheChunkEdgeIsOneLineEnd() throws IOException {
        String line = "a".repeat(64 * 1024 - 1);
        Result r = read(line + "\r\n.\r\nQUIT\r\n");
        assertThat(r.outcome).isEqualTo(DataReader.Outcome.COMPLETE);
        assertThat(r.content).isEqualTo(line + "\r\n");
        assertThat(r.rest).isEqualTo("QUIT\r\n");
    }

    @Test
    void crAtTheChunkEdgeBeforeOtherTextIsABareCr() throws IOException {
        String line = "a".repeat(64 * 1024 - 1);
        Result r = read(line + "\rb\r\n.\r\n");
        assertThat(r.content).isEqualTo(line + "\r\nb\r\n");
    }

    private record Result(DataReader.Outcome outcome, String content, String rest) {
    }

    private static Result read(String input) throws IOException {
        Connection conn = new Connection(new ByteSocket(input.getBytes(StandardCharsets.ISO_8859_1)), new org.estafeta.net.Deadlines(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataReader.Outcome outcome = new DataReader(conn, false, Long.MAX_VALUE).copyTo(out);
        return new Result(outcome, out.toString(StandardCharsets.ISO_8859_1),
                new String(conn.input().readAllBytes(), StandardCharsets.ISO_8859_1));
    }
}
