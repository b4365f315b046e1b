package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.estafeta.dns.DomainPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8461 §3.1, §3.2, §4.1: the TXT record, the policy file and the mx patterns, parsed strictly. */
class MtaStsPolicyTest {

    @Test
    void theRfcExamplePolicyParses() throws Exception {
        // §3.2's example, CRLF line ends.
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
                + "mx: backupmx.example.com\r\nmax_age: 604800\r\n");
        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAge()).isEqualTo(Duration.ofDays(7));
        assertThat(p.allows("MAIL.example.com.")).isTrue();
        assertThat(p.allows("mx1.example.net")).isTrue();
        assertThat(p.allows("a.mx1.example.net")).isFalse();
        assertThat(p.allows("example.net")).isFalse();
        assertThat(p.allows("evil.example.org")).isFalse();
    }

    @Test
    void lfLineEndsUnknownKeysAndRepeatedKeysFollowTheRfc() throws Exception {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode: testing\nmode: enforce\nx-ext: whatever\nmx: mx.example.com\nmax_age:86400");
        assertThat(p.mode()).as("the first occurrence counts").isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 0\n").mx()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "mode: enforce\nmx: a.example\nmax_age: 1\n",                              // no version
            "version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n",              // wrong version
            "version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n",               // unknown mode
            "version: STSv1\nmode: enforce\nmax_age: 1\n",                             // no mx under enforce
            "version: STSv1\nmode: enforce\nmx: a.example\n",                          // no max_age
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n",       // over a year
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -5\n",
            "version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n",            // wildcard not left-most
            "version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 1\n\n",            // empty line
            "<html>version: STSv1</html>",
            ""})
    void malformedPoliciesAreRefused(String text) {
        assertThatThrownBy(() -> MtaStsPolicy.parse(text)).isInstanceOf(MtaStsPolicy.Invalid.class);
    }

    @Test
    void theTxtRecordNeedsVFirstAndOneId() {
        assertThat(MtaStsRecord.of(List.of("v=STSv1; id=20160831085700Z;"))).isEqualTo(new MtaStsRecord("20160831085700Z"));
        assertThat(MtaStsRecord.of(List.of("v=spf1 -all", "v=STSv1; id=abc"))).isEqualTo(new MtaStsRecord("abc"));
        assertThat(MtaStsRecord.of(List.of("v=STSv1; id=a", "v=STSv1; id=b"))).as("two records: none").isNull();
        assertThat(MtaStsRecord.of(List.of("id=a; v=STSv1"))).isNull();
        assertThat(MtaStsRecord.of(List.of("v=STSv1; id=has-hyphen"))).isNull();
        assertThat(MtaStsRecord.of(List.of("v=STSv1; id=" + "a".repeat(33)))).isNull();
        assertThat(MtaStsRecord.of(List.of("v=STSv1"))).isNull();
    }

    @Test
    void theIdOfAPolicyWeServeChangesWithIt() throws Exception {
        String a = MtaStsPolicy.render(MtaStsPolicy.Mode.TESTING, List.of("mx.example.com"), Duration.ofDays(7));
        String b = MtaStsPolicy.render(MtaStsPolicy.Mode.ENFORCE, List.of("mx.example.com"), Duration.ofDays(7));
        assertThat(MtaStsPolicy.parse(a).mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(MtaStsRecord.idFor(a)).matches("[0-9a-f]{20}").isNotEqualTo(MtaStsRecord.idFor(b)).isEqualTo(MtaStsRecord.idFor(a));
        assertThat(MtaStsRecord.of(List.of(MtaStsRecord.text(MtaStsRecord.idFor(a))))).isNotNull();
    }

    @Test
    void certificateWildcardsCoverOneLabel() {
        assertThat(DomainPattern.matches("*.example.com", "mx.example.com")).isTrue();
        assertThat(DomainPattern.matches("*.example.com", "example.com")).isFalse();
        assertThat(DomainPattern.matches("*.example.com", "a.b.example.com")).isFalse();
        assertThat(DomainPattern.matches("mx*.example.com", "mx1.example.com")).isFalse();
    }
}
