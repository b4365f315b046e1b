package org.estafeta.sieve;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.james.mime4j.codec.EncoderUtil;
import org.estafeta.mime.LineEnds;

/** The auto-reply a vacation action sends (RFC 5230 §5, RFC 3834 §3). */
record VacationReply(String reason, String subject, String from, boolean mime, String handle) {

    /**
     * The key of the once-per-period record (RFC 5230 §4.2): the handle, or else a digest of what makes
     * the reply, so that editing the text starts a fresh period.
     */
    String key() {
        if (handle != null) return handle;
        try {
            var md = java.security.MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {reason, subject, from, String.valueOf(mime)}) {
                md.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    byte[] build(SieveMessage original, Context context) {
        StringBuilder sb = new StringBuilder();
        String sender = from != null ? from : "<" + context.envelopeTo() + ">";
        sb.append("From: ").append(oneLine(sender)).append("\r\n");
        sb.append("To: <").append(context.envelopeFrom()).append(">\r\n");
        List<String> originalSubject = original.header("Subject");
        String s = subject != null ? subject : "Auto: " + (originalSubject.isEmpty() ? "" : originalSubject.getFirst());
        sb.append("Subject: ").append(EncoderUtil.encodeIfNecessary(oneLine(s), EncoderUtil.Usage.TEXT_TOKEN, 9)).append("\r\n");
        sb.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(Locale.ROOT).format(context.now().atZone(ZoneOffset.UTC))).append("\r\n");
        sb.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(context.hostname()).append(">\r\n");
        List<String> ids = original.header("Message-ID");
        if (!ids.isEmpty()) {
            // RFC 5230 §5.8: thread the reply under the original.
            String id = oneLine(ids.getFirst());
            List<String> refs = original.header("References");
            sb.append("In-Reply-To: ").append(id).append("\r\n");
            sb.append("References: ").append(refs.isEmpty() ? "" : oneLine(refs.getFirst()) + " ").append(id).append("\r\n");
        }
        // RFC 3834 §5: marks the reply as automatic so that the other side does not answer it.
        sb.append("Auto-Submitted: auto-replied (vacation)\r\n");
        sb.append("Precedence: bulk\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        if (mime) {
            // RFC 5230 §4.4: with :mime the reason is a MIME entity, its header included.
            sb.append(LineEnds.crlf(reason));
        } else {
            sb.append("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
            String body = LineEnds.crlf(reason);
            sb.append(body);
            if (!body.endsWith("\r\n")) sb.append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String oneLine(String s) {
        return s.replaceAll("[\r\n]+", " ");
    }
}
