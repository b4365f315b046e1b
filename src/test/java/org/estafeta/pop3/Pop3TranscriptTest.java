package org.estafeta.pop3;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/pop3/, each against a fresh server: the POP3 behaviour as readable dialogues. */
class Pop3TranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.files("pop3").stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            Transcript transcript = new Transcript(file, "pop3");
            TestServer server = TestServer.start(transcript.config());
            try {
                transcript.run(server);
            } finally {
                server.closeAndDelete();
            }
        }));
    }

    private static String name(Path file) {
        return file.getFileName().toString().replace(".txt", "");
    }
}
