package org.estafeta.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.estafeta.app.Storage;
import org.estafeta.config.ConfigLoader;
import org.estafeta.store.Accounts;
import org.estafeta.store.Quota;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RCPT reads a recipient's quota with its account (one query), and DATA uses what RCPT read: the
 * accounts store is counted, call by call, under the real SQL store.
 */
class QuotaLookupTest {

    @TempDir
    Path data;

    private Storage storage;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private Inbound inbound;

    @BeforeEach
    void open() {
        storage = Storage.open(ConfigLoader.load(data, null, Map.of(), 0));
        storage.accounts().addDomain("example.com");
        storage.accounts().addAccount("ana@example.com", "x", false);
        storage.accounts().addAccount("beto@example.com", "x", false);
        storage.accounts().setQuota("beto@example.com", 1000L);
        Accounts real = storage.accounts();
        Accounts counted = (Accounts) Proxy.newProxyInstance(Accounts.class.getClassLoader(), new Class<?>[] {Accounts.class},
                (proxy, method, args) -> {
                    calls.computeIfAbsent(method.getName(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        inbound = new Inbound(storage.intake(), storage.queue(), storage.blobs(), new RecipientResolver(counted),
                new Quota(storage.mailboxes(), counted, 0), new Inbound.Settings("mx.example.com", false, 30, data.resolve("spool"),
                new byte[32], org.estafeta.mime.MimeParser.DEFAULT_MAX_PARTS, 256 * 1024));
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private int calls(String method) {
        return calls.getOrDefault(method, new AtomicInteger()).get();
    }

    @Test
    void rcptAndDataReadTheQuotaOnlyWithTheAccount() throws Exception {
        Route ana = inbound.route("ana@example.com");
        Route beto = inbound.route("beto@example.com");
        assertThat(ana).isInstanceOf(Route.Local.class);
        assertThat(calls("accountWithQuota")).isEqualTo(2);
        assertThat(calls("account")).isZero();
        assertThat(calls("quota")).as("no separate quota query per RCPT").isZero();

        var envelope = new InboundEnvelope("x@example.org", null, null, List.of(
                new InboundEnvelope.Recipient("ana@example.com", null, null, ana),
                new InboundEnvelope.Recipient("beto@example.com", null, null, beto)));
        try (InboundMessage m = inbound.open(envelope, Channel.generated())) {
            m.write("Subject: small\r\n\r\nfits\r\n".getBytes(StandardCharsets.US_ASCII));
            m.commit();
        }
        try (InboundMessage m = inbound.open(envelope, Channel.imported())) {
            m.write(("Subject: big\r\n\r\n" + "x".repeat(2000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThatThrownBy(m::commit).isInstanceOf(Refused.class).satisfies(e -> assertThat(((Refused) e).code()).isEqualTo(552));
        }
        assertThat(calls("quota")).as("no separate quota query per DATA").isZero();
    }

    @Test
    void aFullMailboxIsStillFullAtRcpt() throws Exception {
        storage.accounts().setQuota("ana@example.com", 10L);
        Route ana = inbound.route("ana@example.com");
        var envelope = new InboundEnvelope("", null, null, List.of(new InboundEnvelope.Recipient("ana@example.com", null, null, ana)));
        try (InboundMessage m = inbound.open(envelope, Channel.generated())) {
            m.write("Subject: over\r\n\r\nthe quota, as notices may be\r\n".getBytes(StandardCharsets.US_ASCII));
            m.commit();
        }
        assertThat(inbound.route("ana@example.com")).isInstanceOf(Route.Full.class);
        assertThat(calls("quota")).isZero();
    }
}
