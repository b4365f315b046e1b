package org.estafeta.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * When an auto-reply must not be sent (RFC 5230 §4.5-4.6, RFC 3834 §2): to the null path, to
 * list and daemon addresses, to mail that is itself automatic or bulk, or to mail not addressed to
 * the user. These rules are what stop two vacation scripts from answering each other forever.
 */
final class VacationRules {

    /** RFC 5230 §4.1: at least one day; more than 90 is capped, as Pigeonhole does. */
    static final long MIN_SECONDS = 86400;
    static final long MAX_SECONDS = 90L * 86400;
    static final long DEFAULT_SECONDS = 7L * 86400;

    private static final List<String> LIST_HEADERS = List.of("list-id", "list-help", "list-subscribe", "list-unsubscribe", "list-post",
            "list-owner", "list-archive");
    private static final List<String> RECIPIENT_HEADERS = List.of("to", "cc", "bcc", "resent-to", "resent-cc", "resent-bcc");

    private VacationRules() {
    }

    static long period(Long seconds) {
        if (seconds == null) return DEFAULT_SECONDS;
        return Math.max(MIN_SECONDS, Math.min(MAX_SECONDS, seconds));
    }

    /** Why no reply may be sent, or null when one may. */
    static String refusal(SieveMessage message, Context context, List<String> extraAddresses) {
        String sender = context.envelopeFrom();
        if (sender.isEmpty()) return "the sender is the null path (RFC 5230 §4.6)";
        String local = Addresses.ofPath(sender).localPart().toLowerCase(Locale.ROOT);
        if (local.equals("mailer-daemon") || local.equals("listserv") || local.equals("majordomo") || local.startsWith("owner-")
                || local.endsWith("-request")) {
            return "the sender is a list or daemon address (RFC 5230 §4.6)";
        }
        for (String auto : message.header("Auto-Submitted")) {
            if (!auto.strip().toLowerCase(Locale.ROOT).startsWith("no")) return "the message is Auto-Submitted (RFC 3834 §2)";
        }
        for (String p : message.header("Precedence")) {
            String v = p.strip().toLowerCase(Locale.ROOT);
            if (v.equals("bulk") || v.equals("list") || v.equals("junk")) return "the message has Precedence: " + v + " (RFC 3834 §2)";
        }
        for (String h : LIST_HEADERS) if (!message.header(h).isEmpty()) return "the message came from a list (RFC 3834 §2)";
        List<String> mine = new ArrayList<>(context.ownAddresses());
        mine.add(context.envelopeTo().toLowerCase(Locale.ROOT));
        for (String a : extraAddresses) mine.add(a.toLowerCase(Locale.ROOT));
        if (mine.contains(sender.toLowerCase(Locale.ROOT))) return "the sender is the user (RFC 5230 §4.6)";
        for (String h : RECIPIENT_HEADERS) {
            for (String raw : message.header(h)) {
                for (Addresses.Parsed p : Addresses.parse(raw)) {
                    if (mine.contains(p.all().toLowerCase(Locale.ROOT))) return null;
                }
            }
        }
        return "the user's address is not in To, Cc or Bcc (RFC 5230 §4.5)";
    }
}
