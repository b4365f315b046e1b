package org.estafeta.mailauth;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SPF, DKIM and DMARC for one arriving message, in the order DMARC needs them (RFC 7489 §4.2: SPF on
 * the envelope, every DKIM signature, then the author's policy over both), and the one
 * Authentication-Results field (RFC 8601) that reports them.
 */
public final class MessageAuthentication {

    /**
     * What the checks found.
     *
     * @param spfDomain the domain SPF was checked for (MAIL FROM's, or HELO's for the null path)
     * @param dmarc null when the message names no single author (no From, or several)
     */
    public record Report(Spf.Result spf, String spfIdentity, String spfDomain, List<DkimResult> dkim, Dmarc.Result dmarc) {
        public Report {
            dkim = List.copyOf(dkim);
        }

        /** A DNS failure left some result open; accepting now would be guessing (RFC 7208 §2.6.6, RFC 7489 §6.6.3). */
        public boolean temporaryError() {
            return spf == Spf.Result.TEMPERROR || dmarc != null && dmarc.status() == Dmarc.Status.TEMPERROR
                    || dkim.stream().anyMatch(d -> d.status() == DkimResult.Status.TEMPERROR);
        }

        public boolean dmarcPass() {
            return dmarc != null && dmarc.status() == Dmarc.Status.PASS;
        }

        /**
         * The field, folded one method per line (RFC 8601 §2.2): spf with smtp.mailfrom (or smtp.helo),
         * each dkim with header.d/s/a, dmarc with header.from and the published policy.
         */
        public String field(String authservId) {
            StringBuilder f = new StringBuilder("Authentication-Results: ").append(authservId).append(';');
            f.append("\r\n\tspf=").append(spf.keyword()).append(' ').append(spfIdentity).append(';');
            for (DkimResult d : dkim) {
                f.append("\r\n\tdkim=").append(d.status().keyword());
                if (d.reason() != null) f.append(" reason=").append(quoted(d.reason()));
                if (d.domain() != null) f.append(" header.d=").append(token(d.domain()));
                if (d.selector() != null) f.append(" header.s=").append(token(d.selector()));
                if (d.algorithm() != null) f.append(" header.a=").append(token(d.algorithm()));
                f.append(';');
            }
            if (dmarc == null) {
                f.append("\r\n\tdmarc=permerror reason=\"no single author domain in From\"");
            } else {
                f.append("\r\n\tdmarc=").append(dmarc.status().keyword());
                if (dmarc.published() != null) f.append(" (p=").append(dmarc.published().name().toLowerCase(Locale.ROOT)).append(')');
                f.append(" header.from=").append(token(dmarc.fromDomain()));
            }
            return f.append("\r\n").toString();
        }
    }

    private final Spf spf;
    private final DkimVerifier dkim;
    private final Dmarc dmarc;

    public MessageAuthentication(Spf spf, DkimVerifier dkim, Dmarc dmarc) {
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = dmarc;
    }

    /**
     * @param sender the reverse-path, "" for the null one
     * @param message the content as received, header first
     */
    public Report check(InetAddress client, String helo, String sender, InputStream message) throws IOException {
        Spf.Result spfResult = spf.check(client, sender, helo);
        String spfDomain = sender.isEmpty() ? helo : sender.substring(sender.lastIndexOf('@') + 1);
        String identity = sender.isEmpty() ? "smtp.helo=" + token(helo) : "smtp.mailfrom=" + token(sender);
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        List<DkimResult> dkimResults;
        List<HeaderField> headers;
        try {
            headers = HeaderField.readBlock(in, DkimVerifier.MAX_HEADER_BYTES);
            dkimResults = dkim.verify(headers, in);
        } catch (HeaderField.TooLarge e) {
            headers = new ArrayList<>();
            dkimResults = List.of(new DkimResult(DkimResult.Status.PERMERROR, null, null, null, "header too large"));
        }
        String author = AuthorDomain.of(headers);
        Dmarc.Result dmarcResult = author == null ? null : dmarc.evaluate(author, spfResult, spfDomain, dkimResults);
        return new Report(spfResult, identity, spfDomain, dkimResults, dmarcResult);
    }

    /**
     * The authserv-id a field starts with (RFC 8601 §2.2: a value, after optional CFWS), for removing
     * fields that claim to be ours (§5); null if there is none.
     */
    public static String authservId(String fieldValue) {
        String v = fieldValue.strip();
        while (v.startsWith("(")) {
            int close = v.indexOf(')');
            if (close < 0) return null;
            v = v.substring(close + 1).strip();
        }
        if (v.startsWith("\"")) {
            int close = v.indexOf('"', 1);
            return close < 0 ? null : v.substring(1, close);
        }
        int end = 0;
        while (end < v.length() && v.charAt(end) != ';' && v.charAt(end) > ' ' && v.charAt(end) != '(') end++;
        return end == 0 ? null : v.substring(0, end);
    }

    /** A value as RFC 8601 §2.2 allows it: a token, or else a quoted string. */
    private static String token(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>,;:\\\"/[]?=".indexOf(c) >= 0 && c != '@') return quoted(s);
        }
        return s;
    }

    private static String quoted(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') q.append('\\');
            q.append(c < ' ' || c == 127 ? '_' : c);
        }
        return q.append('"').toString();
    }
}
