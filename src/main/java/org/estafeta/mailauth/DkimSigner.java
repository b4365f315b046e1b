package org.estafeta.mailauth;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Signs a message with each key of its author's domain (RFC 6376 §5, relaxed/relaxed): one body hash
 * (every algorithm we have uses SHA-256 over the same canonical body) and one signature per key, so
 * that two selectors can be live at once during a key rotation.
 */
public final class DkimSigner {

    /**
     * The fields signed when present, as mox and Stalwart do: those a reader sees and those that
     * change how the body is shown (RFC 6376 §5.4.1).
     */
    static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc", "in-reply-to", "references",
            "message-id", "mime-version", "content-type", "content-transfer-encoding", "list-unsubscribe", "list-unsubscribe-post");

    /** Named once more than they occur, so that nobody can add another one later (§8.15, "over-signing"). */
    static final Set<String> OVERSIGNED = Set.of("from", "reply-to", "subject", "date", "to", "cc");

    private DkimSigner() {
    }

    /** The DKIM-Signature fields to put on top of the message, each ending in CRLF; empty without keys. */
    public static String sign(List<DkimKey> keys, InputStream message, Instant now) throws IOException {
        if (keys.isEmpty()) return "";
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        return sign(keys, HeaderField.readBlock(in, DkimVerifier.MAX_HEADER_BYTES), in, now);
    }

    /**
     * Signs with the keys of the author's domain (the From field's, RFC 6376 §3.10 ties d= to it for
     * DMARC alignment); empty when that domain has no key or the From field names no single domain.
     */
    public static String signAsAuthor(DkimKeys keys, InputStream message, Instant now) throws IOException {
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        List<HeaderField> headers = HeaderField.readBlock(in, DkimVerifier.MAX_HEADER_BYTES);
        String author = AuthorDomain.of(headers);
        if (author == null) return "";
        List<DkimKey> own = keys.forDomain(author);
        return own.isEmpty() ? "" : sign(own, headers, in, now);
    }

    private static String sign(List<DkimKey> keys, List<HeaderField> headers, InputStream in, Instant now) throws IOException {
        var hash = new DkimVerifier.BodyHash(-1);
        var body = Canonicalization.RELAXED.body(new BufferedOutputStream(hash, 8192));
        in.transferTo(body);
        body.finish();
        String bodyHash = Base64.getEncoder().encodeToString(hash.digest());
        List<String> names = new ArrayList<>();
        for (String name : SIGNED) {
            long present = headers.stream().filter(h -> h.lowerName().equals(name)).count();
            if (present == 0 && !name.equals("from")) continue;
            long count = OVERSIGNED.contains(name) ? present + 1 : present;
            for (long i = 0; i < count; i++) names.add(name);
        }
        StringBuilder out = new StringBuilder();
        for (DkimKey key : keys) out.append(signOne(key, headers, names, bodyHash, now)).append("\r\n");
        return out.toString();
    }

    private static String signOne(DkimKey key, List<HeaderField> headers, List<String> names, String bodyHash, Instant now)
            throws IOException {
        String unsigned = "DKIM-Signature: v=1; a=" + key.algorithm().tag + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + "; t=" + now.getEpochSecond() + ";\r\n\th=" + String.join(":", names)
                + ";\r\n\tbh=" + bodyHash + ";\r\n\tb=";
        HeaderField field = new HeaderField("DKIM-Signature", unsigned);
        DkimSignature sig = new DkimSignature(field, key.algorithm(), Canonicalization.RELAXED, Canonicalization.RELAXED,
                key.domain(), key.selector(), "@" + key.domain(), names, null, null, -1, -1);
        try {
            byte[] b = key.algorithm().sign(key.privateKey(), DkimVerifier.headerData(sig, headers));
            return unsigned + fold(Base64.getEncoder().encodeToString(b));
        } catch (GeneralSecurityException e) {
            throw new IOException("DKIM signing with " + key.recordName() + " failed", e);
        }
    }

    /** Base64 in lines of 72 characters (FWS is allowed anywhere in b=, §3.5). */
    private static String fold(String base64) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < base64.length(); i += 72) {
            if (i > 0) out.append("\r\n\t ");
            out.append(base64, i, Math.min(base64.length(), i + 72));
        }
        return out.toString();
    }
}
