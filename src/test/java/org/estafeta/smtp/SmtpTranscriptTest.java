package org.estafeta.smtp;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.estafeta.testing.TestServer;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/smtp/, each against a fresh server: the SMTP behaviour as readable dialogues. */
class SmtpTranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.files("smtp").stream().map(file -> DynamicTest.dynamicTest(name(file), () -> {
            Transcript transcript = new Transcript(file, "smtp");
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
