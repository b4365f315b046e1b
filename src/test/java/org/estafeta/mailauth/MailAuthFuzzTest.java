package org.estafeta.mailauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.estafeta.testing.Require.that;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.estafeta.dns.Dns;

/**
 * What a stranger controls in mail authentication, parsed as the arrival check parses it: a message's
 * header block and DKIM-Signature fields, its body through both canonicalizations, and the DNS records
 * a sender's domain publishes (DKIM keys, SPF with its macros, MTA-STS, the names DMARC aligns). Only
 * the parsers' own refusals may come out (each is a permerror or "no record" for one message, never
 * a 451 for all of them), and what they accept holds the limits the RFCs set.
 */
class MailAuthFuzzTest {

    /** Never asked: the harness expands no %{p}, the one macro that queries DNS. */
    private static final Spf SPF = new Spf(new Dns(List.of("127.0.0.1:9"), Duration.ofMillis(1)));
    private static final InetAddress CLIENT4, CLIENT6;

    static {
        try {
            CLIENT4 = InetAddress.getByName("192.0.2.25");
            CLIENT6 = InetAddress.getByName("2001:db8::25");
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @FuzzTest
    void strangersInput(FuzzedDataProvider data) throws IOException {
        switch (data.consumeInt(0, 5)) {
            case 0 -> signatures(data.consumeRemainingAsBytes());
            case 1 -> body(data.consumeBoolean() ? Canonicalization.RELAXED : Canonicalization.SIMPLE, data.consumeInt(1, 64),
                    data.consumeRemainingAsBytes());
            case 2 -> publicKey(data.consumeRemainingAsString());
            case 3 -> spfRecord(data.consumeString(200), data.consumeBoolean(), data.consumeRemainingAsString());
            case 4 -> mtaSts(data.consumeBoolean(), data.consumeRemainingAsString());
            default -> dmarcAlignment(data.consumeString(100), data.consumeRemainingAsString());
        }
    }

    /** A header block: every field comes out whole; a DKIM-Signature either parses within the limits or is refused. */
    private static void signatures(byte[] message) throws IOException {
        List<HeaderField> fields;
        try {
            fields = HeaderField.readBlock(new ByteArrayInputStream(message), 4096);
        } catch (HeaderField.TooLarge e) {
            return;
        }
        for (HeaderField f : fields) {
            int colon = f.raw().indexOf(':');
            that(colon > 0 && f.name().equals(f.raw().substring(0, colon).strip()), "field %s", f.raw());
            for (Canonicalization c : Canonicalization.values()) that(c.header(f).endsWith("\r\n"), "canonical header ends with CRLF");
            that(Canonicalization.RELAXED.header(f).indexOf('\n') == Canonicalization.RELAXED.header(f).length() - 1,
                    "relaxed header is one line");
            if (!f.is("DKIM-Signature")) continue;
            DkimSignature.Names.of(f);
            DkimSignature s;
            try {
                s = DkimSignature.parse(f, 1_700_000_000L);
            } catch (DkimSignature.Invalid e) {
                that(e.getMessage() != null && e.getMessage().indexOf('\n') < 0, "one-line reason: %s", e.getMessage());
                continue;
            }
            that(!s.domain().isEmpty() && !s.selector().isEmpty(), "d= and s= present");
            that(s.signedHeaders().contains("from"), "h= signs From");
            that(s.bodyHash().length == 32 && s.signature().length > 0, "hash sizes");
            that(s.identity() == null || s.identity().toLowerCase(Locale.ROOT).endsWith(s.domain().toLowerCase(Locale.ROOT)), "i= within d=");
            DkimSignature.withEmptyB(f.raw());
        }
    }

    /**
     * The body canonicalizations are streams: the same bytes written in pieces of any size give the
     * same result as written at once, the result ends in CRLF unless empty, and canonicalizing it
     * again changes nothing.
     */
    private static void body(Canonicalization c, int piece, byte[] body) throws IOException {
        byte[] whole = canonical(c, body, body.length + 1);
        assertThat(canonical(c, body, piece)).as("written in pieces of %d", piece).isEqualTo(whole);
        if (whole.length > 0) that(whole[whole.length - 2] == '\r' && whole[whole.length - 1] == '\n', "ends with CRLF");
        else that(c == Canonicalization.RELAXED, "only relaxed makes an empty body empty");
        assertThat(canonical(c, whole, whole.length + 1)).as("idempotent").isEqualTo(whole);
    }

    private static byte[] canonical(Canonicalization c, byte[] body, int piece) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Canonicalization.BodyStream stream = c.body(out);
        for (int i = 0; i < body.length; i += piece) stream.write(body, i, Math.min(piece, body.length - i));
        stream.finish();
        return out.toByteArray();
    }

    private static void publicKey(String record) {
        try {
            DkimPublicKey.parse(record);
        } catch (DkimPublicKey.Unusable e) {
            that(e.getMessage() != null && e.getMessage().indexOf('\n') < 0, "one-line reason: %s", e.getMessage());
        }
    }

    /** An SPF record parses to directives within RFC 7208's shapes or is a permerror; its macros expand within 253 octets. */
    private static void spfRecord(String sender, boolean v6, String terms) {
        SpfRecord record;
        try {
            record = SpfRecord.parse("v=spf1 " + terms);
        } catch (Spf.Outcome o) {
            that(o.result == Spf.Result.PERMERROR, "a syntax error is a permerror, not %s", o.result);
            return;
        }
        Spf.Check check = SPF.new Check(v6 ? CLIENT6 : CLIENT4, sender, "helo.example");
        for (SpfRecord.Directive d : record.directives()) {
            switch (d.mechanism()) {
                case "ip4" -> that(d.network() instanceof java.net.Inet4Address && d.cidr4() >= 0 && d.cidr4() <= 32, "ip4 %s", d);
                case "ip6" -> that(d.network() instanceof java.net.Inet6Address && d.cidr6() >= 0 && d.cidr6() <= 128, "ip6 %s", d);
                case "all", "include", "exists", "ptr", "a", "mx" -> that(d.cidr4() <= 32 && d.cidr6() <= 128, "cidr %s", d);
                default -> throw new AssertionError("mechanism " + d.mechanism());
            }
            if (d.domainSpec() != null) expand(d.domainSpec(), check, false);
        }
        if (record.redirect() != null) expand(record.redirect(), check, false);
        if (record.explanation() != null) expand(record.explanation(), check, true);
    }

    private static void expand(String spec, Spf.Check check, boolean explanation) {
        if (spec.toLowerCase(Locale.ROOT).contains("%{p")) return;
        try {
            String out = SpfMacros.expand(spec, check, "example.org", explanation, SPF);
            that(out.length() <= 253 || out.indexOf('.') < 0, "expanded past 253 octets: %s", out);
        } catch (Spf.Outcome o) {
            that(o.result == Spf.Result.PERMERROR, "a macro error is a permerror, not %s", o.result);
        }
    }

    private static void mtaSts(boolean policy, String text) {
        if (!policy) {
            MtaStsRecord r = MtaStsRecord.of(List.of(text.split("\n", -1)));
            if (r != null) that(r.id().matches("[A-Za-z0-9]{1,32}"), "id %s", r.id());
            return;
        }
        try {
            MtaStsPolicy p = MtaStsPolicy.parse(text);
            that(!p.maxAge().isNegative() && p.maxAge().compareTo(MtaStsPolicy.MAX_AGE_LIMIT) <= 0, "max_age %s", p.maxAge());
            that(p.mode() == MtaStsPolicy.Mode.NONE || !p.mx().isEmpty(), "mx patterns");
        } catch (MtaStsPolicy.Invalid e) {
            that(e.getMessage() != null, "a reason");
        }
    }

    /** DMARC alignment of a From domain with an SPF or DKIM domain: symmetric, strict implies relaxed, a name aligns with itself. */
    private static void dmarcAlignment(String a, String b) {
        String from = Spf.stripDot(a.toLowerCase(Locale.ROOT));
        String other = Spf.stripDot(b.toLowerCase(Locale.ROOT));
        // A name with an empty last label ("example.com..") is no domain; each side drops one root dot only.
        if (from.endsWith(".") || other.endsWith(".")) return;
        String org = Dmarc.organizationalDomain(from);
        that(from.endsWith(org), "organizational domain %s of %s", org, from);
        that(Dmarc.aligned(from, from, true) && Dmarc.aligned(from, from, false), "aligned with itself");
        if (Dmarc.aligned(from, other, true)) that(Dmarc.aligned(from, other, false), "strict implies relaxed");
        that(Dmarc.aligned(from, other, false) == Dmarc.aligned(other, from, false), "relaxed is symmetric");
    }
}
