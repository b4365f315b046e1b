package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.estafeta.dns.Dns;
import org.estafeta.testing.TestDns;
import org.junit.jupiter.api.Test;

/** RFC 7489: aligned/unaligned × relaxed/strict × pass/fail × p=none/quarantine/reject, sp=, pct=, the PSL. */
class DmarcTest {

    /** from, SPF result, SPF domain, passing DKIM d= ("-" none), pct draw, expected status, expected policy. */
    private static final String[][] TABLE = {
            {"banco.es", "PASS", "banco.es", "-", "0", "PASS", "NONE"},
            {"banco.es", "PASS", "correo.banco.es", "-", "0", "PASS", "NONE"},            // relaxed SPF alignment
            {"banco.es", "FAIL", "banco.es", "banco.es", "0", "PASS", "NONE"},           // DKIM alone suffices
            {"banco.es", "PASS", "ladron.es", "-", "0", "FAIL", "REJECT"},               // SPF pass, unaligned
            {"banco.es", "FAIL", "banco.es", "ladron.es", "0", "FAIL", "REJECT"},        // DKIM pass, unaligned
            {"banco.es", "SOFTFAIL", "banco.es", "-", "0", "FAIL", "REJECT"},
            {"ventas.banco.es", "FAIL", "x.es", "-", "0", "FAIL", "QUARANTINE"},        // sp= from the organizational domain
            {"ventas.banco.es", "FAIL", "x.es", "banco.es", "0", "PASS", "NONE"},       // relaxed DKIM alignment
            {"estricto.es", "PASS", "correo.estricto.es", "-", "0", "FAIL", "QUARANTINE"}, // aspf=s
            {"estricto.es", "FAIL", "x.es", "sub.estricto.es", "0", "FAIL", "QUARANTINE"}, // adkim=s
            {"estricto.es", "FAIL", "x.es", "estricto.es", "0", "PASS", "NONE"},
            {"sub.estricto.es", "FAIL", "x.es", "-", "0", "FAIL", "QUARANTINE"},         // no sp=: p= applies
            {"nada.es", "FAIL", "x.es", "-", "0", "FAIL", "NONE"},
            {"mitad.es", "FAIL", "x.es", "-", "10", "FAIL", "REJECT"},                   // inside pct=50
            {"mitad.es", "FAIL", "x.es", "-", "90", "FAIL", "QUARANTINE"},               // outside: one step down
            {"sinregistro.es", "FAIL", "x.es", "-", "0", "NONE", "NONE"},
            {"mail.example.co.uk", "PASS", "example.co.uk", "-", "0", "PASS", "NONE"},  // PSL: org domain example.co.uk
            {"mail.example.co.uk", "PASS", "other.co.uk", "-", "0", "FAIL", "REJECT"},   // co.uk is a public suffix
            {"caido.es", "PASS", "caido.es", "-", "0", "TEMPERROR", "NONE"},
            {"roto.es", "FAIL", "x.es", "-", "0", "NONE", "NONE"},                       // two records: none
            {"sinp.es", "FAIL", "x.es", "-", "0", "FAIL", "NONE"},                       // bad p=: none
    };

    @Test
    void table() throws Exception {
        try (TestDns server = new TestDns()) {
            server.add("_dmarc.banco.es. 60 IN TXT \"v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@banco.es\"")
                    .add("_dmarc.estricto.es. 60 IN TXT \"v=DMARC1; p=quarantine; adkim=s; aspf=s\"")
                    .add("_dmarc.nada.es. 60 IN TXT \"v=DMARC1; p=none\"")
                    .add("_dmarc.mitad.es. 60 IN TXT \"v=DMARC1; p=reject; pct=50\"")
                    .add("_dmarc.example.co.uk. 60 IN TXT \"v=DMARC1; p=reject\"")
                    .add("_dmarc.roto.es. 60 IN TXT \"v=DMARC1; p=reject\"").add("_dmarc.roto.es. 60 IN TXT \"v=DMARC1; p=none\"")
                    .add("_dmarc.sinp.es. 60 IN TXT \"v=DMARC1; p=maybe\"")
                    .servfail("_dmarc.caido.es.");
            Dns dns = new Dns(List.of(server.address()), Duration.ofSeconds(2));
            for (String[] row : TABLE) {
                Dmarc dmarc = new Dmarc(dns, () -> Integer.parseInt(row[4]));
                List<DkimResult> dkim = row[3].equals("-") ? List.of(new DkimResult(DkimResult.Status.NONE, null, null, null, null))
                        : List.of(new DkimResult(DkimResult.Status.FAIL, row[0], "s", "ed25519-sha256", "x"),
                                new DkimResult(DkimResult.Status.PASS, row[3], "s", "ed25519-sha256", null));
                Dmarc.Result r = dmarc.evaluate(row[0], Spf.Result.valueOf(row[1]), row[2], dkim);
                assertThat(r.status().name() + " " + r.policy().name()).as(String.join(" ", row)).isEqualTo(row[5] + " " + row[6]);
            }
        }
    }

    @Test
    void organizationalDomainFromThePublicSuffixList() {
        assertThat(Dmarc.organizationalDomain("a.b.example.co.uk")).isEqualTo("example.co.uk");
        assertThat(Dmarc.organizationalDomain("correo.banco.es")).isEqualTo("banco.es");
        assertThat(Dmarc.organizationalDomain("co.uk")).isEqualTo("co.uk");
        assertThat(Dmarc.organizationalDomain("not a domain")).isEqualTo("not a domain");
    }
}
