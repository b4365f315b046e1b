package org.estafeta.imap;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/imap/, each against a fresh server: the IMAP behaviour as readable dialogues. */
class ImapTranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.files("imap").stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            Transcript transcript = new Transcript(file, "imap");
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
