package org.estafeta.delivery;

import java.util.List;
import org.estafeta.mime.Headers;

/**
 * A verdict on an arriving message before it is stored (SPF, DKIM, DMARC, spam): it may add header
 * fields (Authentication-Results, RFC 8601), remove fields that came in (a forged Authentication-Results
 * in our name, RFC 8601 §5), route local copies to Junk, or refuse the message with an SMTP reply. Runs once per message, after the content is in and before the 250.
 */
public interface ArrivalCheck {

    Verdict check(InboundEnvelope envelope, Channel channel, ArrivedMessage message);

    /**
     * @param prepend complete header fields with their CRLF, put above the trace header
     * @param remove fields of {@link ArrivedMessage#headers()} to leave out of the stored message
     * @param junk local copies go to the Junk mailbox instead of INBOX
     * @param refusal non-null: the message is refused with this reply and stored nowhere
     */
    record Verdict(List<String> prepend, List<Headers.Field> remove, boolean junk, Refusal refusal) {
        public Verdict {
            prepend = List.copyOf(prepend);
            remove = List.copyOf(remove);
        }

        public static Verdict accept() {
            return new Verdict(List.of(), List.of(), false, null);
        }

        public static Verdict refuse(int code, String enhancedCode, String text) {
            return new Verdict(List.of(), List.of(), false, new Refusal(code, enhancedCode, text));
        }
    }

    /** An SMTP reply (RFC 5321 §4.2 code, RFC 3463 enhanced code) that refuses the message. */
    record Refusal(int code, String enhancedCode, String text) {
    }
}
