package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.estafeta.dns.Dns;
import org.estafeta.testing.Dnsmasq;
import org.estafeta.testing.Processes;
import org.junit.jupiter.api.Test;

/**
 * Our SPF against pyspf (Debian python3-spf) on one corpus of records served by a real dnsmasq: each
 * case (client address, sender, HELO) must give the same result from both.
 */
class SpfPeersTest {

    /** Name (under spf.test) and record text. */
    private static final String[][] RECORDS = {
            {"pass", "v=spf1 +all"}, {"fail", "v=spf1 -all"}, {"softfail", "v=spf1 ~all"}, {"neutral", "v=spf1 ?all"},
            {"ip4", "v=spf1 ip4:192.0.2.0/24 -all"}, {"ip4host", "v=spf1 ip4:192.0.2.10 -all"}, {"ip6", "v=spf1 ip6:2001:db8::/32 -all"},
            {"a", "v=spf1 a:mail.spf.test -all"}, {"acidr", "v=spf1 a:mail.spf.test/24 -all"}, {"aself", "v=spf1 a -all"},
            {"adual", "v=spf1 a:mail.spf.test/32//64 -all"},
            {"mx", "v=spf1 mx:mxd.spf.test -all"}, {"mxcidr", "v=spf1 mx:mxd.spf.test/28 -all"}, {"mxd", "v=spf1 mx -all"},
            {"manymx", "v=spf1 mx -all"},
            {"include", "v=spf1 include:ip4.spf.test -all"}, {"includenone", "v=spf1 include:norecord.spf.test -all"},
            {"includesoft", "v=spf1 include:softfail.spf.test -all"}, {"includeperm", "v=spf1 include:unknownmech.spf.test +all"},
            {"loop1", "v=spf1 include:loop2.spf.test -all"}, {"loop2", "v=spf1 include:loop1.spf.test -all"},
            {"redirect", "v=spf1 redirect=ip4.spf.test"}, {"redirectnone", "v=spf1 redirect=norecord.spf.test"},
            {"redirectafterall", "v=spf1 -all redirect=pass.spf.test"}, {"redirect2", "v=spf1 redirect=a.spf.test redirect=b.spf.test"},
            {"exists", "v=spf1 exists:%{i}.ok.spf.test -all"},
            {"macrol", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all"}, {"macroupper", "v=spf1 exists:%{L}.up.spf.test -all"},
            {"macrov", "v=spf1 exists:%{v}.%{d2}.v.spf.test -all"}, {"macroh", "v=spf1 exists:%{h}.helo.spf.test -all"},
            {"macroo", "v=spf1 exists:%{o}.o.spf.test -all"}, {"badmacro", "v=spf1 exists:%{z}.spf.test -all"},
            {"badpercent", "v=spf1 exists:%x.spf.test -all"}, {"macroexp", "v=spf1 exists:%{c}.spf.test -all"},
            {"unknownmech", "v=spf1 foo -all"}, {"unknownmod", "v=spf1 moo=bar -all"},
            {"toomany", "v=spf1 a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test "
                    + "a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test -all"},
            {"ten", "v=spf1 a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test "
                    + "a:mail.spf.test a:mail.spf.test a:mail.spf.test a:mail.spf.test -all"},
            {"voids", "v=spf1 a:nx1.spf.test a:nx2.spf.test a:nx3.spf.test -all"}, {"twovoids", "v=spf1 a:nx1.spf.test a:nx2.spf.test -all"},
            {"ptr", "v=spf1 ptr:spf.test -all"}, {"ptrself", "v=spf1 ptr -all"},
            {"badcidr", "v=spf1 ip4:192.0.2.0/33 -all"}, {"badip", "v=spf1 ip4:192.0.2 -all"}, {"zerocidr", "v=spf1 ip4:192.0.2.0/024 -all"},
            {"empty", "v=spf1"}, {"notspf", "v=spf10 -all"}, {"upper", "V=SPF1 IP4:192.0.2.10 -ALL"},
            {"exp", "v=spf1 -all exp=explain.spf.test"}, {"spaces", "v=spf1  ip4:192.0.2.10   -all"},
            {"helo", "v=spf1 ip4:192.0.2.10 -all"}, {"alltakesarg", "v=spf1 all:foo"}, {"includeempty", "v=spf1 include: -all"},
            {"baddomain", "v=spf1 a:foo.123 -all"}, {"nonascii", "v=spf1 a:caf\u00e9.spf.test -all"},
    };

    private static final String[] ADDRESSES = {"192.0.2.10", "192.0.2.99", "198.51.100.1", "2001:db8::10"};

    @Test
    void resultsEqualPyspfs() throws Exception {
        try (Dnsmasq dnsmasq = new Dnsmasq()) {
            for (String[] r : RECORDS) dnsmasq.txt(r[0] + ".spf.test", r[1]);
            dnsmasq.txt("two.spf.test", "v=spf1 -all").txt("two.spf.test", "v=spf1 +all")
                    .txt("norecord.spf.test", "google-site-verification=xyz")
                    .host("mail.spf.test", "192.0.2.10", "2001:db8::10").host("aself.spf.test", "192.0.2.10")
                    .mx("mxd.spf.test", "mail.spf.test", 10)
                    .host("192.0.2.10.ok.spf.test", "127.0.0.2")
                    .host("10.2.0.192.strong._spf.macrol.spf.test", "127.0.0.2")
                    .host("in-addr.spf.test.v.spf.test", "127.0.0.2")
                    .host("mail.spf.test.helo.spf.test", "127.0.0.2")
                    .host("macroo.spf.test.o.spf.test", "127.0.0.2")
                    .host("caf%C3%A9.up.spf.test", "127.0.0.2")
                    .ptr("10.2.0.192.in-addr.arpa", "mail.spf.test")
                    .txt("explain.spf.test", "You are not %{i}");
            for (int i = 1; i <= 11; i++) dnsmasq.mx("manymx.spf.test", "mx" + i + ".spf.test", i);
            dnsmasq.start();
            List<String[]> cases = new ArrayList<>();
            for (String[] r : RECORDS) {
                String sender = (r[0].equals("macrol") ? "strong-bad" : r[0].equals("macroupper") ? "café" : "usuario") + "@" + r[0] + ".spf.test";
                for (String ip : ADDRESSES) cases.add(new String[] {ip, r[0].equals("helo") ? "-" : sender, r[0].equals("helo") ? "helo.spf.test" : "mail.spf.test"});
            }
            for (String extra : List.of("two", "norecord", "nowhere")) cases.add(new String[] {"192.0.2.10", "u@" + extra + ".spf.test", "mail.spf.test"});
            cases.add(new String[] {"192.0.2.10", "u@bad..domain", "mail.spf.test"});

            StringBuilder input = new StringBuilder();
            for (String[] c : cases) input.append(String.join(" ", c)).append('\n');
            var py = Processes.run(List.of("/usr/bin/python3", Processes.resource("pyspf_check.py").toString(), String.valueOf(dnsmasq.port())),
                    input.toString().getBytes(StandardCharsets.UTF_8));
            assertThat(py.exitCode()).as(py.output()).isZero();
            List<String> theirs = py.output().lines().toList();
            assertThat(theirs).hasSize(cases.size());

            Spf spf = new Spf(new Dns(List.of(dnsmasq.address()), Duration.ofSeconds(2)));
            List<String> differences = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < cases.size(); i++) {
                String[] c = cases.get(i);
                String ours = spf.check(InetAddress.getByName(c[0]), c[1].equals("-") ? "" : c[1], c[2]).keyword();
                seen.add(ours);
                if (!ours.equals(theirs.get(i))) differences.add(String.join(" ", c) + ": ours " + ours + ", pyspf " + theirs.get(i));
            }
            System.out.println("SPF corpus: " + cases.size() + " cases, pyspf results " + new java.util.TreeMap<>(theirs.stream().collect(java.util.stream.Collectors.groupingBy(s -> s, java.util.stream.Collectors.counting()))));
            assertThat(differences).isEmpty();
            assertThat(seen).contains("pass", "fail", "softfail", "neutral", "none", "permerror");
            assertThat(RECORDS.length).isGreaterThanOrEqualTo(40);
        }
    }
}
