package org.estafeta.imap;

import java.util.stream.Stream;
import org.estafeta.testing.Transcript;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file under transcripts/imap/, each against a fresh server: the IMAP behaviour as readable dialogues. */
class ImapTranscriptTest {

    @TestFactory
    Stream<DynamicTest> transcripts() throws Exception {
        return Transcript.tests("imap");
    }
}
