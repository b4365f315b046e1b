package org.estafeta.smtp;

import java.util.stream.Stream;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/smtp/, each against a fresh server: the SMTP behaviour as readable dialogues. */
class SmtpTranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.tests("smtp");
    }
}
