package org.estafeta.delivery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.ZonedDateTime;
import org.estafeta.mime.MailDate;

/** The trace fields a server adds on receipt: Return-Path and Received (RFC 5321 §4.4). */
final class ReceivedHeader {

    private ReceivedHeader() {
    }

    /**
     * @param forRecipient named only when the message has exactly one recipient, so the others stay private
     */
    static String trace(String returnPath, Channel channel, String byHost, String id, String forRecipient, ZonedDateTime when) {
        StringBuilder sb = new StringBuilder();
        sb.append("Return-Path: <").append(clean(returnPath)).append(">\r\n");
        sb.append("Received: from ").append(clean(channel.helo())).append(" (").append(addressLiteral(channel.client())).append(')');
        // Postfix's form: the login is on record for the postmaster of whoever receives it (RFC 4954 §7 leaves the form open).
        if (channel.account() != null) sb.append("\r\n\t(Authenticated sender: ").append(clean(channel.account().address())).append(')');
        sb.append("\r\n\tby ").append(byHost).append(" (Estafeta) with ").append(channel.with()).append(" id ").append(id);
        if (channel.tlsCipher() != null) {
            sb.append("\r\n\t(using ").append(channel.tlsProtocol()).append(" with cipher ").append(channel.tlsCipher()).append(')');
        }
        if (forRecipient != null) sb.append("\r\n\tfor <").append(clean(forRecipient)).append('>');
        sb.append("; ").append(MailDate.format(when)).append("\r\n");
        return sb.toString();
    }

    /** RFC 5321 §4.1.3 address literal: {@code [192.0.2.1]}, {@code [IPv6:2001:db8::1]} (RFC 5952 text form). */
    static String addressLiteral(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) return "[" + address.getHostAddress() + "]";
        byte[] b = v6.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) words[i] = (b[2 * i] & 0xff) << 8 | b[2 * i + 1] & 0xff;
        // RFC 5952 §4.2: the longest run of two or more zero words becomes "::" (the first if tied).
        int bestStart = -1, bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && words[j] == 0) j++;
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder sb = new StringBuilder("[IPv6:");
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (i > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.append(']').toString();
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
