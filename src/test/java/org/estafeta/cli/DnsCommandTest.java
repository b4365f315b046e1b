package org.estafeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.estafeta.testing.Dnsmasq;
import org.junit.jupiter.api.Test;

/**
 * {@code estafeta dns DOMAIN} against a real dnsmasq that publishes some records right, one different
 * (SPF) and leaves others out (DMARC, TLS-RPT): each line says which.
 */
class DnsCommandTest {

    @Test
    void eachRecordIsMarkedOkMissingOrDifferent() throws Exception {
        Path data = Files.createTempDirectory("estafeta-dns");
        CliRun key = CliRun.run(data, "", "dkim", "generate", "example.org", "--selector", "ed1");
        assertThat(key.code()).isZero();
        String dkimValue = key.out().lines().filter(l -> l.startsWith("ed1._domainkey")).findFirst().orElseThrow();
        String dkimText = dkimValue.substring(dkimValue.indexOf('"') + 1, dkimValue.lastIndexOf('"')).replace("\" \"", "");
        String[] common = {"--set", "server.hostname=mail.example.org", "--standard-ports", "--set", "ports.pop3=-1"};
        String policyTxt = CliRun.run(data, "", concat(new String[] {"dns", "example.org", "--no-check"}, common)).out().lines()
                .filter(l -> l.startsWith("_mta-sts.")).findFirst().orElseThrow();
        try (Dnsmasq dns = new Dnsmasq()
                .mx("example.org", "mail.example.org", 10).host("mail.example.org", "192.0.2.25")
                .txt("example.org", "v=spf1 a -all")
                .txt("ed1._domainkey.example.org", dkimText)
                .txt("_mta-sts.example.org", policyTxt.substring(policyTxt.indexOf('"') + 1, policyTxt.lastIndexOf('"')))
                .cname("mta-sts.example.org", "mail.example.org").cname("autoconfig.example.org", "mail.example.org")
                .line("srv-host=_submissions._tcp.example.org,mail.example.org,465,0,1")
                .line("srv-host=_submission._tcp.example.org,mail.example.org,587,10,1")
                .line("srv-host=_imaps._tcp.example.org,mail.example.org,993,0,1")
                .line("srv-host=_imap._tcp.example.org,mail.example.org,143,10,1")
                .line("srv-host=_pop3s._tcp.example.org,mail.example.org,995,0,1")
                .line("srv-host=_pop3._tcp.example.org,mail.example.org,110,10,1")
                .start()) {
            CliRun run = CliRun.run(data, "", concat(new String[] {"dns", "example.org", "--set", "dns.servers=" + dns.address()}, common));
            assertThat(run.code()).as("not every record is ok").isEqualTo(1);
            List<String> lines = run.out().lines().toList();
            assertThat(lines).contains(
                    "ok        example.org. IN MX 10 mail.example.org.",
                    "different example.org. IN TXT \"v=spf1 mx -all\"    ; published: \"v=spf1 a -all\"",
                    "missing   _dmarc.example.org. IN TXT \"v=DMARC1; p=quarantine; rua=mailto:postmaster@example.org\"",
                    "ok        mta-sts.example.org. IN CNAME mail.example.org.",
                    "missing   _smtp._tls.example.org. IN TXT \"v=TLSRPTv1; rua=mailto:postmaster@example.org\"",
                    "ok        _submissions._tcp.example.org. IN SRV 0 1 465 mail.example.org.",
                    "ok        autoconfig.example.org. IN CNAME mail.example.org.");
            assertThat(lines).anyMatch(l -> l.startsWith("ok        ed1._domainkey.example.org. IN TXT \"v=DKIM1; k=ed25519; p="));
            assertThat(lines).anyMatch(l -> l.startsWith("ok        _mta-sts.example.org. IN TXT \"v=STSv1; id="));
            // POP3 is off here: RFC 6186 §4 says publish ".", and a record that still names the host is different.
            assertThat(lines).contains("different _pop3._tcp.example.org. IN SRV 0 0 0 .    ; published: 10 1 110 mail.example.org.");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
