package org.estafeta.delivery;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The trace fields put on top of every accepted message: {@code Return-Path} (RFC 5321 §4.4) and a
 * {@code Received} line whose {@code with} clause names the protocol as RFC 3848 registers it.
 */
public final class ReceivedHeader {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    /** How the message came in, for the {@code with} clause. */
    public record Channel(boolean extended, boolean tls, boolean authenticated, String tlsProtocol, String tlsCipher) {
        /** RFC 3848: SMTP, ESMTP, ESMTPS (TLS), ESMTPA (AUTH), ESMTPSA (both). */
        public String with() {
            if (!extended) return "SMTP";
            return "ESMTP" + (tls ? "S" : "") + (authenticated ? "A" : "");
        }
    }

    private ReceivedHeader() {
    }

    /**
     * @param helo what the client said in HELO/EHLO
     * @param clientIp the peer address, shown as an address literal since we do no reverse lookups
     * @param forRecipient named in the header only when the message has exactly one recipient, so
     *     the other recipients stay private
     */
    public static String trace(String returnPath, String helo, String clientIp, String byHost, Channel channel,
                               String id, String forRecipient, ZonedDateTime when) {
        StringBuilder sb = new StringBuilder();
        sb.append("Return-Path: <").append(clean(returnPath)).append(">\r\n");
        sb.append("Received: from ").append(clean(helo)).append(" ([").append(clientIp).append("])\r\n");
        sb.append("\tby ").append(byHost).append(" (Estafeta) with ").append(channel.with()).append(" id ").append(id).append("\r\n");
        if (channel.tls()) {
            sb.append("\t(using ").append(channel.tlsProtocol()).append(" with cipher ").append(channel.tlsCipher()).append(")\r\n");
        }
        if (forRecipient != null) sb.append("\tfor <").append(clean(forRecipient)).append(">");
        else sb.setLength(sb.length() - 2);
        sb.append("; ").append(RFC5322.format(when)).append("\r\n");
        return sb.toString();
    }

    /** Client-supplied text goes into a header: no line breaks, no control characters, no comments. */
    private static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c == 127 || c == '(' || c == ')' ? '_' : c);
        }
        return sb.toString();
    }
}
