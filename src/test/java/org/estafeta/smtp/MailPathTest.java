package org.estafeta.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Path syntax edges; SmtpPathFuzzTest checks the properties on any input. */
class MailPathTest {

    /** Found by SmtpPathFuzzTest: a backslash let a CR into the local part, and from there into headers and our own MAIL FROM. */
    @Test
    void quotedPairIsOnlyPrintableAscii() throws SmtpException {
        assertThat(MailPath.parse("\"a\\\"b\"@example.test", true, false, "x").localPart()).isEqualTo("\"a\\\"b\"");
        for (String bad : new String[] {"\"a\\\rb\"@example.test", "\"a\\\nb\"@example.test", "\"a\\\0b\"@example.test", "\"a\\"}) {
            assertThatThrownBy(() -> MailPath.parse(bad, true, false, "x")).isInstanceOf(SmtpException.class);
        }
    }
}
