package org.estafeta.smtp.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;
import org.estafeta.smtp.MailPath;
import org.estafeta.smtp.SmtpException;
import org.estafeta.smtp.Xtext;

/**
 * MAIL FROM / RCPT TO arguments as a client may send them: the path, ESMTP parameters and the DSN
 * values. Only {@link SmtpException} (a 5xx reply) may escape; what is accepted must survive a round
 * trip and carry nothing that could break a header or the next hop's command line.
 */
class SmtpPathFuzzTest {

    @FuzzTest
    void mailAndRcptArguments(byte[] input) {
        String args = new String(input, java.nio.charset.StandardCharsets.UTF_8);
        for (boolean mail : new boolean[] {true, false}) {
            try {
                ArgParser p = new ArgParser(args);
                p.keyword(mail ? "FROM" : "TO");
                String path = p.path();
                Map<String, String> params = p.parameters();
                params.forEach((key, value) -> {
                    assertThat(key).matches("[A-Z0-9][A-Z0-9-]*");
                    if (value != null) assertThat(value).doesNotContain(" ");
                });
                MailPath parsed = MailPath.parse(path, mail, !mail, "example.test");
                checkAccepted(parsed, mail);
                for (var param : params.entrySet()) {
                    String value = param.getValue() == null ? "" : param.getValue();
                    if (param.getKey().equals("NOTIFY")) assertThat(Xtext.notify(value)).matches("NEVER|(SUCCESS|FAILURE|DELAY)(,(SUCCESS|FAILURE|DELAY))*");
                    if (param.getKey().equals("ORCPT")) assertThat(Xtext.orcpt(value)).isEqualTo(value);
                }
            } catch (SmtpException e) {
                assertThat(e.getMessage()).doesNotContain("\r", "\n");
            }
        }
    }

    private static void checkAccepted(MailPath path, boolean mail) throws SmtpException {
        String address = path.address();
        // The address goes into Return-Path/Received headers and our own MAIL/RCPT to the next hop.
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            that(c >= 32 && c != 127, "control character %d in %s", (int) c, address);
        }
        if (path.isNull()) return;
        assertThat(path.localPart()).isNotEmpty().hasSizeLessThanOrEqualTo(64);
        assertThat(path.domain()).isNotEmpty();
        // What we would send on, read back, is the same path.
        ArgParser again = new ArgParser((mail ? "FROM:" : "TO:") + path);
        again.keyword(mail ? "FROM" : "TO");
        assertThat(MailPath.parse(again.path(), mail, !mail, "example.test")).isEqualTo(path);
        assertThat(again.parameters()).isEmpty();
        assertThat(Xtext.isValid(Xtext.encode(address))).isTrue();
    }
}
