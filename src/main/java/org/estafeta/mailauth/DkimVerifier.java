package org.estafeta.mailauth;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.estafeta.dns.Dns;

/**
 * Checks every DKIM-Signature of a message (RFC 6376 §6, RFC 8463) in one pass over it: the header
 * block is read, each signature's body hash is fed while the body streams by, then each key is fetched
 * and the header hash verified. Nothing in a hostile message or DNS answer escapes as an exception:
 * each signature ends as one {@link DkimResult}.
 */
public final class DkimVerifier {

    /** Signatures looked at per message when none is configured: enough for forwarders and lists, bounded work. */
    public static final int DEFAULT_MAX_SIGNATURES = 5;
    /** Largest header block we read (a real one is a few KiB). */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private final Dns dns;
    private final Clock clock;
    private final int maxSignatures;

    public DkimVerifier(Dns dns, Clock clock, int maxSignatures) {
        this.dns = dns;
        this.clock = clock;
        this.maxSignatures = maxSignatures;
    }

    /** One result per signature (at most the configured number), or a single {@code none} when unsigned. */
    public List<DkimResult> verify(InputStream message) throws IOException {
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        return verify(HeaderField.readBlock(in, MAX_HEADER_BYTES), in);
    }

    /** As {@link #verify(InputStream)} for a header block already read; {@code body} is what follows it. */
    List<DkimResult> verify(List<HeaderField> headers, InputStream in) throws IOException {
        long now = clock.instant().getEpochSecond();
        List<DkimResult> results = new ArrayList<>();
        List<DkimSignature> usable = new ArrayList<>();
        for (HeaderField field : headers) {
            if (!field.is("DKIM-Signature")) continue;
            if (results.size() + usable.size() == maxSignatures) break;
            try {
                usable.add(DkimSignature.parse(field, now));
            } catch (DkimSignature.Invalid e) {
                DkimSignature.Names n = DkimSignature.Names.of(field);
                results.add(new DkimResult(DkimResult.Status.PERMERROR, n.domain(), n.selector(), n.algorithm(), e.getMessage()));
            }
        }
        if (results.isEmpty() && usable.isEmpty()) return List.of(new DkimResult(DkimResult.Status.NONE, null, null, null, null));
        Map<DkimSignature, BodyHash> bodies = hashBodies(usable, in);
        for (DkimSignature sig : usable) results.add(check(sig, bodies.get(sig), headers));
        return results;
    }

    /** Streams the body once into every signature's canonicalizer and hash. */
    private static Map<DkimSignature, BodyHash> hashBodies(List<DkimSignature> sigs, InputStream body) throws IOException {
        Map<DkimSignature, BodyHash> hashes = new HashMap<>();
        List<Canonicalization.BodyStream> streams = new ArrayList<>();
        for (DkimSignature sig : sigs) {
            BodyHash h = new BodyHash(sig.length());
            hashes.put(sig, h);
            streams.add(sig.bodyCanon().body(new java.io.BufferedOutputStream(h, 8192)));
        }
        byte[] buf = new byte[65536];
        for (int n; (n = body.read(buf)) > 0; ) for (var s : streams) s.write(buf, 0, n);
        for (var s : streams) s.finish();
        return hashes;
    }

    private DkimResult check(DkimSignature sig, BodyHash body, List<HeaderField> headers) {
        String alg = sig.algorithm().tag;
        if (sig.length() >= 0 && body.seen < sig.length()) return result(sig, DkimResult.Status.PERMERROR, "l= is longer than the body");
        if (!MessageDigest.isEqual(body.digest(), sig.bodyHash())) return result(sig, DkimResult.Status.FAIL, "body hash did not verify");
        Dns.Answer<String> answer;
        try {
            answer = dns.txt(sig.selector() + "._domainkey." + sig.domain());
        } catch (Dns.TemporaryFailure e) {
            return result(sig, DkimResult.Status.TEMPERROR, "key lookup failed");
        }
        if (answer.isEmpty()) return result(sig, DkimResult.Status.PERMERROR, "no key for signature");
        DkimPublicKey key;
        try {
            // More than one record is a publishing mistake (§3.6.2.2); the first usable one decides.
            key = firstUsable(answer.records());
        } catch (DkimPublicKey.Unusable e) {
            return result(sig, DkimResult.Status.PERMERROR, e.getMessage());
        }
        if (key.algorithm() != sig.algorithm()) return result(sig, DkimResult.Status.PERMERROR, "key type does not match a=");
        if (key.strictIdentity() && !sig.identity().substring(sig.identity().lastIndexOf('@') + 1).equalsIgnoreCase(sig.domain())) {
            return result(sig, DkimResult.Status.PERMERROR, "key requires i= domain to equal d=");
        }
        byte[] data = headerData(sig, headers);
        try {
            return sig.algorithm().verify(key.key(), data, sig.signature())
                    ? new DkimResult(DkimResult.Status.PASS, sig.domain(), sig.selector(), alg, null)
                    : result(sig, DkimResult.Status.FAIL, "signature did not verify");
        } catch (GeneralSecurityException e) {
            return result(sig, DkimResult.Status.FAIL, "signature did not verify");
        }
    }

    private static DkimPublicKey firstUsable(List<String> records) throws DkimPublicKey.Unusable {
        DkimPublicKey.Unusable first = null;
        for (String r : records) {
            try {
                return DkimPublicKey.parse(r);
            } catch (DkimPublicKey.Unusable e) {
                if (first == null) first = e;
            }
        }
        throw first;
    }

    /**
     * The hashed header data (§3.7): each h= field, taking instances from the bottom up and nothing
     * for a name with none left (so over-signed names guard against additions), then the signature
     * field itself without b= and without its CRLF.
     */
    static byte[] headerData(DkimSignature sig, List<HeaderField> headers) {
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new HashMap<>();
        for (String name : sig.signedHeaders()) {
            int skip = used.merge(name, 1, Integer::sum) - 1;
            for (int i = headers.size() - 1; i >= 0; i--) {
                if (headers.get(i).lowerName().equals(name) && skip-- == 0) {
                    data.append(sig.headerCanon().header(headers.get(i)));
                    break;
                }
            }
        }
        String self = sig.headerCanon().header(sig.withoutSignature());
        data.append(self, 0, self.length() - 2);
        return data.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static DkimResult result(DkimSignature sig, DkimResult.Status status, String reason) {
        return new DkimResult(status, sig.domain(), sig.selector(), sig.algorithm().tag, reason);
    }

    /** SHA-256 of the canonical body, stopping at l= bytes; counts what it saw to tell l= beyond the body. */
    static final class BodyHash extends OutputStream {
        private final MessageDigest digest;
        private final long limit;
        long seen;

        BodyHash(long limit) {
            this.limit = limit;
            try {
                this.digest = MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void write(int b) {
            if (limit < 0 || seen < limit) digest.update((byte) b);
            seen++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int take = limit < 0 ? len : (int) Math.max(0, Math.min(len, limit - seen));
            digest.update(b, off, take);
            seen += len;
        }

        byte[] digest() {
            return digest.digest();
        }
    }
}
