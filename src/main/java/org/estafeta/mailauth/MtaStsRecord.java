package org.estafeta.mailauth;

import java.util.List;
import java.util.Map;

/**
 * The {@code _mta-sts} TXT record (RFC 8461 §3.1): {@code v=STSv1} first, then {@code id} (1 to 32
 * letters and digits) that changes whenever the policy does. Other TXT records at the name are not
 * ours and are ignored; two STSv1 records, or a malformed one, mean no policy record.
 */
public record MtaStsRecord(String id) {

    /** The one valid record among the TXT answers, or null. */
    public static MtaStsRecord of(List<String> txt) {
        List<String> ours = txt.stream().filter(t -> t.startsWith("v=STSv1")).toList();
        if (ours.size() != 1) return null;
        Map<String, String> tags;
        try {
            tags = TagList.parse(ours.getFirst());
        } catch (TagList.Malformed e) {
            return null;
        }
        if (!"STSv1".equals(tags.get("v")) || !tags.keySet().iterator().next().equals("v")) return null;
        String id = tags.get("id");
        if (id == null || !id.matches("[A-Za-z0-9]{1,32}")) return null;
        return new MtaStsRecord(id);
    }

    /** The TXT record text we publish for a policy of this id. */
    public static String text(String id) {
        return "v=STSv1; id=" + id;
    }

    /** An id for a policy text: changes whenever the text does (§3.1 asks only for that). */
    public static String idFor(String policyText) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(policyText.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash, 0, 10);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
