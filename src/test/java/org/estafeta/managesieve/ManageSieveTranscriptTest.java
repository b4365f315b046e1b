package org.estafeta.managesieve;

import java.util.stream.Stream;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/managesieve/, each against a fresh server: RFC 5804 as readable dialogues. */
class ManageSieveTranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.tests("managesieve");
    }
}
