package org.estafeta.pop3;

import java.util.stream.Stream;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/pop3/, each against a fresh server: the POP3 behaviour as readable dialogues. */
class Pop3TranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.tests("pop3");
    }
}
