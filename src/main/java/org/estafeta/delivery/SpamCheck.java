package org.estafeta.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spam verdict from rspamd's HTTP protocol ({@code POST /checkv2}, the message as the body and the
 * envelope in request headers): the score and symbols are stamped as {@code X-Spam-Score} and
 * {@code X-Spam-Symbols}; at the reject score (or when rspamd itself says reject, as it does for
 * GTUBE) the message is refused with 550 5.7.1, at the junk score it goes to Junk. When rspamd cannot
 * be asked the message is deferred (451), as Postfix's {@code milter_default_action = tempfail}: a
 * filter that is down must not let everything through unseen. Mail from logged-in users and the relay
 * networks is ours and is not scanned, as in {@link AuthenticationCheck}.
 */
public final class SpamCheck implements ArrivalCheck {

    private static final Logger log = LoggerFactory.getLogger(SpamCheck.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Symbols stamped at most (the field stays readable; the log has the score either way). */
    private static final int MAX_SYMBOLS = 30;

    /**
     * @param url rspamd's normal worker, e.g. {@code http://127.0.0.1:11333}
     * @param rejectScore from this score on the message is refused
     * @param junkScore from this score on it goes to Junk
     */
    public record Settings(URI url, double rejectScore, double junkScore, Duration timeout) {
    }

    private final Settings settings;
    private final String hostname;
    private final HttpClient http;
    private final Predicate<InetAddress> trusted;

    /** @param trusted the relay networks */
    public SpamCheck(Settings settings, String hostname, Predicate<InetAddress> trusted) {
        this.settings = settings;
        this.hostname = hostname;
        this.trusted = trusted;
        // HTTP/1.1: rspamd does not take an h2c upgrade, and reads the message as no body after one.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.timeout()).build();
    }

    @Override
    public Verdict check(InboundEnvelope envelope, Channel channel, ArrivedMessage message) {
        if (channel.kind() != Channel.Kind.MX || channel.account() != null || channel.client() != null && trusted.test(channel.client())) {
            return Verdict.accept();
        }
        JsonNode answer;
        try {
            answer = ask(envelope, channel, message);
        } catch (IOException e) {
            log.warn("rspamd at {} cannot be asked: {}", settings.url(), e.toString());
            return Verdict.refuse(451, "4.7.1", "the message cannot be scanned now, try again later");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.refuse(451, "4.7.1", "the message cannot be scanned now, try again later");
        }
        double score = answer.path("score").asDouble(0);
        String action = answer.path("action").asText("no action").toLowerCase(Locale.ROOT);
        List<String> symbols = new ArrayList<>();
        for (Iterator<String> names = answer.path("symbols").fieldNames(); names.hasNext() && symbols.size() < MAX_SYMBOLS; ) {
            symbols.add(names.next());
        }
        log.info("rspamd: score {} action {} symbols {}", score, action, symbols);
        if (action.equals("reject") || score >= settings.rejectScore()) {
            return Verdict.refuse(550, "5.7.1", "message refused as spam");
        }
        boolean junk = score >= settings.junkScore() || action.equals("add header") || action.equals("rewrite subject");
        String fields = String.format(Locale.ROOT, "X-Spam-Score: %.2f\r\n", score)
                + "X-Spam-Symbols: " + String.join(",\r\n\t", symbols.stream().map(SpamCheck::clean).toList()) + "\r\n"
                + (junk ? "X-Spam-Flag: YES\r\n" : "");
        return new Verdict(List.of(fields), List.of(), junk, null);
    }

    /** rspamd's request headers (its protocol's Rcpt, From, IP, Helo, Queue-Id). */
    private JsonNode ask(InboundEnvelope envelope, Channel channel, ArrivedMessage message) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url().resolve("/checkv2")).timeout(settings.timeout())
                .header("From", clean(envelope.sender())).header("MTA-Name", clean(hostname))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return message.content();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
        if (channel.client() != null) request.header("IP", channel.client().getHostAddress());
        if (channel.helo() != null && !channel.helo().isBlank()) request.header("Helo", clean(channel.helo()));
        for (InboundEnvelope.Recipient r : envelope.recipients()) request.header("Rcpt", clean(r.address()));
        HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) throw new IOException("rspamd answered HTTP " + response.statusCode());
            return JSON.readTree(body);
        }
    }

    /** Text from the client or rspamd into an HTTP or mail header: printable ASCII, one line. */
    private static String clean(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c < 32 || c >= 127 ? '_' : c);
        }
        return sb.toString();
    }
}
