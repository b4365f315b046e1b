package org.estafeta.delivery;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A delivery status notification (RFC 3464) as a {@code multipart/report; report-type=delivery-status}
 * message (RFC 6522): a human-readable part, the machine-readable status per recipient, and the
 * original message or its header (RFC 3461 RET).
 */
public final class DsnMessage {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** RFC 3464 §2.3.3 Action values. */
    public enum Action {
        FAILED("failed", "Undelivered Mail Returned to Sender",
                "I'm sorry to have to tell you that your message could not be delivered to the recipients below.\r\n"
                        + "This is a permanent error; I've given up."),
        DELAYED("delayed", "Delayed Mail (still being retried)",
                "Your message could not be delivered yet to the recipients below. I will keep trying;\r\n"
                        + "you do not need to send it again."),
        RELAYED("relayed", "Successful Mail Delivery Report",
                "Your message was passed on to the recipients' mail server, which does not send delivery\r\n"
                        + "notifications; this is the last news you will get about it."),
        DELIVERED("delivered", "Successful Mail Delivery Report", "Your message was delivered to the recipients below.");

        final String word, subject, explanation;

        Action(String word, String subject, String explanation) {
            this.word = word;
            this.subject = subject;
            this.explanation = explanation;
        }

        /** The RFC 3464 §2.3.3 word. */
        public String word() {
            return word;
        }
    }

    /** Which message this notice is about: its envelope as it arrived. */
    public record Subject(String queueId, String sender, String envelopeId, String ret, Instant arrival) {
    }

    /**
     * One recipient the notice reports on.
     *
     * @param orcpt RFC 3461 ORCPT as given, or null
     * @param result the last reply or error text, with an enhanced status code when known
     * @param remoteMta the host that gave it, or null
     * @param retryUntil for delay notices, the next attempt
     */
    public record Recipient(String address, String orcpt, String result, String remoteMta, Instant retryUntil) {
    }

    private DsnMessage() {
    }

    /** @param original the message's content, or null when it cannot be read */
    public static byte[] build(String reportingHost, Action action, Subject first, List<Recipient> entries, InputStream original)
            throws IOException {
        String boundary = "dsn-" + UUID.randomUUID();
        StringBuilder sb = new StringBuilder();
        sb.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingHost).append(">\r\n");
        sb.append("To: <").append(first.sender()).append(">\r\n");
        sb.append("Subject: ").append(action.subject).append("\r\n");
        sb.append("Date: ").append(DATE.format(Instant.now())).append("\r\n");
        sb.append("Message-ID: <").append(UUID.randomUUID()).append('@').append(reportingHost).append(">\r\n");
        sb.append("Auto-Submitted: auto-replied\r\n");
        sb.append("MIME-Version: 1.0\r\n");
        sb.append("Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"").append(boundary).append("\"\r\n");
        sb.append("\r\nThis is a MIME-encapsulated message.\r\n\r\n");

        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Description: Notification\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        sb.append("This is the mail system at host ").append(reportingHost).append(".\r\n\r\n");
        sb.append(action.explanation).append("\r\n\r\n");
        for (Recipient e : entries) {
            sb.append("<").append(e.address()).append(">: ").append(oneLine(e.result())).append("\r\n");
        }
        sb.append("\r\n");

        sb.append("--").append(boundary).append("\r\n");
        sb.append("Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n");
        sb.append("Reporting-MTA: dns; ").append(reportingHost).append("\r\n");
        sb.append("X-Estafeta-Queue-ID: ").append(first.queueId()).append("\r\n");
        if (first.envelopeId() != null) sb.append("Original-Envelope-Id: ").append(first.envelopeId()).append("\r\n");
        sb.append("Arrival-Date: ").append(DATE.format(first.arrival())).append("\r\n");
        for (Recipient e : entries) {
            sb.append("\r\n");
            sb.append("Final-Recipient: rfc822; ").append(e.address()).append("\r\n");
            if (e.orcpt() != null) sb.append("Original-Recipient: ").append(e.orcpt()).append("\r\n");
            sb.append("Action: ").append(action.word).append("\r\n");
            sb.append("Status: ").append(status(action, e.result())).append("\r\n");
            if (e.remoteMta() != null) sb.append("Remote-MTA: dns; ").append(e.remoteMta()).append("\r\n");
            if (e.result() != null && e.result().matches("\\d{3} .*")) {
                sb.append("Diagnostic-Code: smtp; ").append(oneLine(e.result())).append("\r\n");
            }
            if (action != Action.DELIVERED) sb.append("Last-Attempt-Date: ").append(DATE.format(Instant.now())).append("\r\n");
            if (action == Action.DELAYED && e.retryUntil() != null) {
                sb.append("Will-Retry-Until: ").append(DATE.format(e.retryUntil())).append("\r\n");
            }
        }
        sb.append("\r\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        if (original != null) {
            boolean headersOnly = "HDRS".equals(first.ret()) || action != Action.FAILED;
            out.write(("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(("Content-Description: " + (headersOnly ? "Undelivered Message Headers" : "Undelivered Message") + "\r\n"
                    + "Content-Type: " + (headersOnly ? "text/rfc822-headers" : "message/rfc822") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            copyOriginal(original, out, headersOnly);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The original, or only its header section (up to the first empty line). */
    private static void copyOriginal(InputStream in, ByteArrayOutputStream out, boolean headersOnly) throws IOException {
        byte[] all = in.readAllBytes();
        int end = all.length;
        if (headersOnly) {
            for (int i = 0; i + 3 < all.length; i++) {
                if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                    end = i + 2;
                    break;
                }
            }
        }
        out.write(all, 0, end);
    }

    /** The enhanced status code of the last error, else the generic one for the action (RFC 3463). */
    public static String status(Action action, String error) {
        if (error != null) {
            var m = java.util.regex.Pattern.compile("\\b([245]\\.\\d{1,3}\\.\\d{1,3})\\b").matcher(error);
            if (m.find()) {
                String code = m.group(1);
                if (action == Action.DELAYED && code.startsWith("5")) return "4" + code.substring(1);
                return code;
            }
        }
        return switch (action) {
            case FAILED -> "5.0.0";
            case DELAYED -> "4.0.0";
            case RELAYED, DELIVERED -> "2.0.0";
        };
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("[\\r\\n]+", " ");
    }
}
