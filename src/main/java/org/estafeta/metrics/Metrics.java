package org.estafeta.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The server's meters, by their Prometheus names (Micrometer adds {@code _total}, {@code _seconds},
 * {@code _bytes}):
 * <pre>
 * estafeta_messages_accepted_total{channel}   messages stored or queued (mx, submission, webmail, generated, imported, append)
 * estafeta_messages_refused_total{reason,stage}  refusals by enhanced status code (5.7.1, 4.7.1, ...) and stage: rcpt, one per
 *                                             recipient refused before any content (5.1.1 unknown, 5.7.1 relay denied, 5.2.2 full,
 *                                             4.5.3 too many); data, a message refused after its content arrived
 * estafeta_deliveries_total{outcome}          outbound attempts per recipient: delivered, deferred, bounced
 * estafeta_queue_recipients                   recipients waiting in the outbound queue
 * estafeta_queue_oldest_age_seconds           how long the oldest of them has waited
 * estafeta_sessions{protocol}                 sessions open now, per listener (smtp, submission, imaps, ...)
 * estafeta_auth_failures_total{reason}        refused logins: invalid (name, password, disabled) or throttled
 * estafeta_smtp_data_seconds                  end of DATA to the 250 (checks, fsync, commit), histogram
 * estafeta_imap_command_seconds{command}      IMAP commands from line read to tagged reply, histogram
 * estafeta_blob_store_size_bytes              octets of message bodies on disk (DirectorySize: re-measured after 5 s or more)
 * jvm_*, process_*, system_*                  Micrometer's JVM and process binders
 * </pre>
 */
public final class Metrics {

    /** Histogram buckets: from a cached FETCH (1 ms) to a DATA held up by DNS checks (30 s). */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<List<String>, Counter> counters = new ConcurrentHashMap<>();
    private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

    public Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public void accepted(String channel) {
        counter("estafeta.messages.accepted", "Messages stored or queued, by the channel they came in on", "channel", channel).increment();
    }

    /** Where a refusal happened: at a recipient (SMTP RCPT), or after the message's content arrived. */
    public enum Stage { RCPT, DATA }

    public void refused(String reason, Stage stage) {
        counter("estafeta.messages.refused",
                "Refusals by enhanced status code: of a recipient at RCPT, or of a message after its content arrived",
                "reason", reason, "stage", stage.name().toLowerCase(java.util.Locale.ROOT)).increment();
    }

    public void delivery(String outcome) {
        counter("estafeta.deliveries", "Outbound delivery attempts per recipient, by outcome", "outcome", outcome).increment();
    }

    public void authFailure(String reason) {
        counter("estafeta.auth.failures", "Refused logins on every protocol: invalid or throttled", "reason", reason).increment();
    }

    public void smtpData(Duration took) {
        timer("estafeta.smtp.data", "From the end of SMTP DATA to the 250 reply").record(took);
    }

    public void imapCommand(String command, Duration took) {
        timer("estafeta.imap.command", "IMAP commands, from the command line to the tagged reply", "command", command).record(took);
    }

    /** A value read at each scrape; {@code baseUnit} (seconds, bytes) or null. */
    public void gauge(String name, String description, String baseUnit, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).baseUnit(baseUnit).tags(tags).strongReference(true).register(registry);
    }

    /** Everything, in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /*
     * Meters are looked up here rather than registered at each event: a builder makes a new id, sorts
     * its tags and asks the registry, which at every SMTP message cost more than the count itself.
     */
    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    private Timer timer(String name, String description, String... tags) {
        return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).description(description).tags(tags)
                .serviceLevelObjectives(BUCKETS).minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1])
                .register(registry));
    }

    private static List<String> key(String name, String... tags) {
        List<String> key = new ArrayList<>(tags.length + 1);
        key.add(name);
        key.addAll(Arrays.asList(tags));
        return key;
    }
}
