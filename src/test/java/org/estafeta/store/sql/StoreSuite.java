package org.estafeta.store.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.estafeta.events.MailboxEvents;
import org.estafeta.mime.MimeParser;
import org.estafeta.mime.SearchableText;
import org.estafeta.mime.Summaries;
import org.estafeta.store.Account;
import org.estafeta.store.Blob;
import org.estafeta.store.Conflict;
import org.estafeta.store.Credentials;
import org.estafeta.store.Envelope;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Intake;
import org.estafeta.store.LeaseOwner;
import org.estafeta.store.Mailbox;
import org.estafeta.store.MailboxStatus;
import org.estafeta.store.MessageInfo;
import org.estafeta.store.MessageStructure;
import org.estafeta.store.MessageSummary;
import org.estafeta.store.Messages;
import org.estafeta.store.Queue;
import org.estafeta.store.SieveScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store's behaviour, written once and run on each {@link Dialect} by a subclass
 * ({@link SqliteStoreTest}, {@link PostgreSqlStoreTest}): every statement of store.sql runs here on
 * both databases, with the answers the protocols rely on (UIDs, MODSEQs, flags, the queue's leases,
 * the text index), so a dialect difference shows up as a failing assertion rather than as a 451.
 */
abstract class StoreSuite {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    protected SqlDatabase db;
    private SqlAccounts accounts;
    private SqlMailboxes mailboxes;
    private SqlMessages messages;
    private SqlIntake intake;
    private SqlQueue queue;
    private SqlSieveScripts sieve;
    private long account;
    protected long inbox;

    /** A new, empty, migrated database of the subclass's dialect. */
    protected abstract SqlDatabase open() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        db = open();
        MailboxEvents events = new MailboxEvents();
        accounts = new SqlAccounts(db);
        mailboxes = new SqlMailboxes(db, events);
        messages = new SqlMessages(db, events);
        intake = new SqlIntake(db, events);
        queue = new SqlQueue(db, new LeaseOwner("node-a", "run1"));
        sieve = new SqlSieveScripts(db);
        accounts.addDomain("Example.ORG");
        account = accounts.addAccount("ana@example.org", "hash", false).id();
        inbox = mailboxes.mailbox(account, "INBOX").orElseThrow().id();
    }

    @AfterEach
    void tearDown() {
        if (db != null) db.close();
    }

    private static Blob blob(int n) {
        return new Blob("%064x".formatted(n), 100 + n);
    }

    private List<Long> append(long mailbox, int... blobs) {
        return messages.appendAll(mailbox, java.util.Arrays.stream(blobs)
                .mapToObj(b -> new Messages.NewMessage(blob(b), 0, List.of(), T0, null)).toList());
    }

    @Test
    void initialisedOnlyOnce() {
        assertThat(db.markInitialised()).isTrue();
        assertThat(db.markInitialised()).isFalse();
    }

    @Test
    void accountsDomainsAliasesAndTokens() {
        assertThat(accounts.domains()).containsExactly("example.org");
        assertThatThrownBy(() -> accounts.addDomain("example.org")).isInstanceOf(Conflict.class);
        assertThatThrownBy(() -> accounts.addAccount("ana@example.org", "h", false)).isInstanceOf(Conflict.class);
        assertThatThrownBy(() -> accounts.addAccount("x@nowhere.test", "h", false)).isInstanceOf(Conflict.class);
        Account admin = accounts.addAccount("Admin@example.org", "h2", true);
        assertThat(accounts.account("ADMIN@example.org")).get().extracting(Account::admin).isEqualTo(true);
        assertThat(accounts.accounts()).extracting(Account::address).containsExactly("admin@example.org", "ana@example.org");

        accounts.setQuota("ana@example.org", 5_000_000_000L);
        assertThat(accounts.quota(account).getAsLong()).isEqualTo(5_000_000_000L);
        accounts.setQuota("ana@example.org", null);
        assertThat(accounts.quota(account)).isEmpty();
        accounts.setDisabled("ana@example.org", true);
        assertThat(accounts.account("ana@example.org").orElseThrow().disabled()).isTrue();

        accounts.addAlias("info@example.org", List.of("ana@example.org", "admin@example.org"));
        accounts.addAlias("info@example.org", List.of("ana@example.org"));
        accounts.addAlias("@example.org", List.of("ana@example.org"));
        assertThat(accounts.aliasTargets("info@example.org")).containsExactly("admin@example.org", "ana@example.org");
        assertThat(accounts.ownAddresses(account)).containsExactly("ana@example.org", "info@example.org");
        assertThatThrownBy(() -> accounts.removeDomain("example.org")).isInstanceOf(Conflict.class);

        accounts.addApiToken(admin.id(), "ci", "tokenhash");
        assertThat(accounts.accountByApiToken("tokenhash")).get().extracting(Account::id).isEqualTo(admin.id());
        assertThat(accounts.apiTokens()).hasSize(1);
        accounts.removeAccount("admin@example.org");
        assertThat(accounts.apiTokens()).isEmpty();
        assertThat(accounts.removeApiToken("tokenhash")).isFalse();
    }

    /** SCRAM keys renewed at login replace only those of the same password, and leave the web sessions alone. */
    @Test
    void scramKeysAreRenewedOnlyForTheSamePassword() {
        accounts.setCredentials("ana@example.org", new Credentials("hash1", "SCRAM-SHA-256$4096:old"));
        assertThat(accounts.setScramKeys("ana@example.org", "hash1", "SCRAM-SHA-256$600000:new")).isTrue();
        assertThat(accounts.credentials("ana@example.org")).contains(new Credentials("hash1", "SCRAM-SHA-256$600000:new"));
        accounts.setCredentials("ana@example.org", new Credentials("hash2", "SCRAM-SHA-256$600000:newer"));
        assertThat(accounts.setScramKeys("ana@example.org", "hash1", "SCRAM-SHA-256$600000:late")).as("password changed meanwhile").isFalse();
        assertThat(accounts.credentials("ana@example.org")).contains(new Credentials("hash2", "SCRAM-SHA-256$600000:newer"));
    }

    @Test
    void mailboxesListRenameAndSubscriptions() {
        mailboxes.create(account, "Work", null);
        mailboxes.create(account, "Work/2026", null);
        mailboxes.create(account, "Projects", null);
        assertThatThrownBy(() -> mailboxes.create(account, "Work", null)).isInstanceOf(Conflict.class);
        assertThat(mailboxes.mailboxes(account).getFirst().name()).isEqualTo("INBOX");
        List<String> names = mailboxes.mailboxes(account).stream().map(Mailbox::name).toList();
        assertThat(names.subList(1, names.size())).isSorted();

        assertThat(mailboxes.subscribe(account, "Work", true)).isTrue();
        assertThat(mailboxes.subscribe(account, "Work", true)).isTrue();
        mailboxes.subscribe(account, "Work/2026", true);
        assertThat(mailboxes.subscribe(account, "Nonexistent", true)).isFalse();
        // A subscription already held under the new name gives way to the renamed one.
        mailboxes.subscribe(account, "Projects", true);
        mailboxes.delete(mailboxes.mailbox(account, "Projects").orElseThrow().id());
        mailboxes.rename(account, "Work", "Projects");
        assertThat(mailboxes.mailbox(account, "Projects/2026")).isPresent();
        assertThat(mailboxes.mailbox(account, "Work")).isEmpty();
        assertThat(mailboxes.subscriptions(account)).contains("Projects", "Projects/2026").doesNotContain("Work", "Work/2026");

        long oldValidity = mailboxes.mailbox(account, "Projects").orElseThrow().uidValidity();
        mailboxes.delete(mailboxes.mailbox(account, "Projects").orElseThrow().id());
        assertThat(mailboxes.create(account, "Projects", null).uidValidity()).isGreaterThan(oldValidity);
    }

    @Test
    void renamingInboxMovesItsMessagesAndKeepsItsUids() {
        append(inbox, 1, 2);
        mailboxes.rename(account, "INBOX", "Old");
        Mailbox old = mailboxes.mailbox(account, "Old").orElseThrow();
        assertThat(messages.list(old.id())).extracting(MessageInfo::uid).containsExactly(1L, 2L);
        assertThat(old.uidNext()).isEqualTo(3);
        assertThat(messages.list(inbox)).isEmpty();
    }

    @Test
    void uidsAndModseqsOfAppendsFlagsCopiesAndExpunges() {
        MailboxStatus fresh = mailboxes.status(inbox);
        assertThat(append(inbox, 1, 2, 3)).containsExactly(1L, 2L, 3L);
        Messages.MailboxState s = messages.state(inbox);
        assertThat(s.uidNext()).isEqualTo(4);
        assertThat(s.highestModSeq()).isGreaterThan(fresh.highestModSeq());

        var flagged = messages.setFlags(inbox, List.of(1L, 2L), Messages.Mode.ADD, Flag.SEEN.bit(), List.of("$Work", "$Work"), -1);
        assertThat(flagged.changed()).hasSize(2);
        long modseq = flagged.changed().getFirst().modSeq();
        assertThat(modseq).isGreaterThan(s.highestModSeq());
        assertThat(messages.setFlags(inbox, List.of(1L), Messages.Mode.ADD, Flag.SEEN.bit(), List.of(), -1).changed()).isEmpty();
        var conditional = messages.setFlags(inbox, List.of(1L, 3L), Messages.Mode.REPLACE, Flag.FLAGGED.bit(), List.of(), s.highestModSeq());
        assertThat(conditional.modified()).containsExactly(1L);
        assertThat(conditional.changed()).extracting(MessageInfo::uid).containsExactly(3L);
        assertThat(messages.list(inbox).getFirst().keywords()).containsExactly("$Work");

        MailboxStatus status = mailboxes.status(inbox);
        assertThat(status.messages()).isEqualTo(3);
        assertThat(status.unseen()).isEqualTo(1);
        assertThat(status.size()).isEqualTo(101 + 102 + 103);
        assertThat(messages.claimRecent(inbox)).isZero();
        assertThat(messages.claimRecent(inbox)).isEqualTo(3);
        assertThat(mailboxes.status(inbox).recent()).isZero();

        long archive = mailboxes.create(account, "Projects", null).id();
        Messages.Copied moved = messages.copy(inbox, List.of(2L, 1L), archive, true);
        assertThat(moved.sourceUids()).containsExactly(1L, 2L);
        assertThat(moved.newUids()).containsExactly(1L, 2L);
        assertThat(messages.list(archive).getFirst().keywords()).containsExactly("$Work");
        assertThat(messages.list(inbox)).extracting(MessageInfo::uid).containsExactly(3L);
        long beforeExpunge = messages.state(inbox).highestModSeq();
        assertThat(messages.expungedSince(inbox, 0)).containsExactly(1L, 2L);

        messages.setFlags(inbox, List.of(3L), Messages.Mode.ADD, Flag.DELETED.bit(), List.of(), -1);
        assertThat(mailboxes.status(inbox).deleted()).isEqualTo(1);
        assertThat(messages.expunge(inbox, null)).containsExactly(3L);
        assertThat(messages.expungedSince(inbox, beforeExpunge)).containsExactly(3L);
        assertThat(append(inbox, 4)).containsExactly(4L);
        assertThat(mailboxes.usage(account)).isEqualTo(101 + 102 + 104);
    }

    /** A summary with every kind of value in it: groups, comment names, UTF-8, nested parts, a message inside. */
    static final String RICH = "Date: Tue, 1 Dec 2026 10:00:00 +0100\r\nFrom: Jos\u00e9 <jos\u00e9@espa\u00f1a.es>\r\n"
            + "To: equipo: a@x.org, b@y.org (Bee);\r\nCc: c@z.org\r\nSubject: =?UTF-8?Q?caf=C3=A9?=\r\n"
            + "Message-ID: <m1@x>\r\nReferences: <r0@x> <r1@x>\r\nIn-Reply-To: <r1@x>\r\n"
            + "Content-Type: multipart/mixed; boundary=a\r\nContent-Language: es, en\r\n\r\n"
            + "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhola\r\n"
            + "--a\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename=\"m.eml\"\r\n\r\n"
            + "Subject: inner\r\nFrom: Ana <ana@example.org>\r\n\r\nbody\r\n"
            + "--a--\r\n";

    static MessageSummary rich() throws java.io.IOException {
        byte[] bytes = RICH.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return Summaries.of(MimeParser.parse(new java.io.ByteArrayInputStream(bytes)), bytes.length);
    }

    @Test
    void summariesAreCachedPerMessageAndKeptByCopies() throws Exception {
        long archive = mailboxes.create(account, "Kept", null).id();
        append(inbox, 1, 2);
        assertThat(messages.summaries(inbox, 1, 10)).isEmpty();
        MessageSummary summary = rich();
        messages.saveSummaries(inbox, java.util.Map.of(1L, summary, 999L, summary));
        assertThat(messages.summaries(inbox, 1, 10)).containsOnlyKeys(1L).containsEntry(1L, summary);
        assertThat(summary.structure().envelope().to().getFirst()).isInstanceOf(MessageStructure.Group.class);
        assertThat(summary.structure().body().children().get(1).message().children()).isEmpty();

        Messages.Copied copied = messages.copy(inbox, List.of(1L), archive, false);
        assertThat(messages.summaries(archive, 1, 10)).containsEntry(copied.newUids().getFirst(), summary);
        long appended = messages.append(archive, blob(3), 0, List.of(), T0, summary);
        assertThat(messages.summaries(archive, appended, appended)).containsEntry(appended, summary);
    }

    /** POP3's UPDATE and the webmail's delete from Trash remove messages whatever their flags, one transaction, kept for QRESYNC. */
    @Test
    void deleteRemovesMessagesByUidWhateverTheirFlags() {
        append(inbox, 1, 2, 3);
        long before = messages.state(inbox).highestModSeq();
        assertThat(messages.delete(inbox, List.of(3L, 1L, 999_999L))).containsExactly(1L, 3L);
        assertThat(messages.list(inbox)).extracting(MessageInfo::uid).containsExactly(2L);
        assertThat(messages.expungedSince(inbox, before)).containsExactly(1L, 3L);
        assertThat(messages.delete(inbox, List.of(1L))).isEmpty();
        assertThat(messages.state(inbox).highestModSeq()).isEqualTo(before + 1);
    }

    @Test
    void textIndexFindsQueuedAndIndexedContentsAndForgetsThemWithTheirLastMessage() {
        append(inbox, 1, 2, 3);
        assertThat(messages.unindexedBlobs(inbox)).hasSize(3);
        assertThat(messages.blobsToIndex("", 2)).containsExactly(blob(1).hash(), blob(2).hash());
        messages.indexText(Map.of(
                blob(1).hash(), new SearchableText("subject: hola", "el 100% de los_casos con c:\\ruta"),
                blob(2).hash(), new SearchableText("subject: adiós", "nada de eso"),
                "f".repeat(64), new SearchableText("never stored", "never stored")));
        assertThat(messages.unindexedBlobs(inbox)).containsExactly(blob(3).hash());
        assertThat(messages.blobsContaining(inbox, "hola", true)).containsExactly(blob(1).hash());
        assertThat(messages.blobsContaining(inbox, "hola", false)).isEmpty();
        assertThat(messages.blobsContaining(inbox, "100%", false)).containsExactly(blob(1).hash());
        assertThat(messages.blobsContaining(inbox, "s_c", false)).containsExactly(blob(1).hash());
        assertThat(messages.blobsContaining(inbox, "10_%", false)).isEmpty();
        assertThat(messages.blobsContaining(inbox, "c:\\ruta", false)).containsExactly(blob(1).hash());
        assertThat(messages.blobsContaining(inbox, "adiós", true)).containsExactly(blob(2).hash());
        assertThat(messages.blobsContaining(inbox, "never", false)).isEmpty();

        messages.setFlags(inbox, List.of(1L), Messages.Mode.ADD, Flag.DELETED.bit(), List.of(), -1);
        messages.expunge(inbox, null);
        append(inbox, 1);
        assertThat(messages.unindexedBlobs(inbox)).contains(blob(1).hash());
        assertThat(messages.blobsContaining(inbox, "hola", true)).isEmpty();
    }

    @Test
    void intakeFilesLocallyAndQueuesInOneTransaction() {
        Envelope envelope = new Envelope("ana@example.org", "env1", "HDRS",
                List.of(new Envelope.Recipient("bob@remote.test", "FAILURE,DELAY", "rfc822;bob@remote.test"),
                        new Envelope.Recipient("eve@other.test", null, null)));
        var filed = intake.acceptAll(List.of(new Intake.Arrival(blob(7), T0,
                List.of(new Filing(account, "INBOX", Flag.SEEN.bit(), List.of("$Sent")), new Filing(account, "Gone", 0, List.of())),
                List.of(new Intake.Outgoing("Q1", envelope)), null)));
        assertThat(filed.getFirst()).extracting(Intake.Filed::uid).containsExactly(1L, 2L);
        assertThat(filed.getFirst()).extracting(Intake.Filed::mailboxId).containsOnly(inbox);

        assertThat(queue.nextDue()).contains(T0);
        List<Queue.Entry> claimed = queue.claimDue(T0, Duration.ofMinutes(5), 10, null);
        assertThat(claimed).hasSize(2);
        assertThat(queue.claimDue(T0, Duration.ofMinutes(5), 10, null)).isEmpty();
        assertThat(queue.nextDue()).contains(T0.plus(Duration.ofMinutes(5)));
        Queue.Entry bob = claimed.stream().filter(e -> e.recipient().address().startsWith("bob")).findFirst().orElseThrow();
        Queue.Entry eve = claimed.stream().filter(e -> e.recipient().address().startsWith("eve")).findFirst().orElseThrow();
        queue.record(List.of(new Queue.Outcome.Delivered(bob.recipientId(), "mx.remote.test", "250 ok"),
                new Queue.Outcome.Deferred(eve.recipientId(), "mx.other.test", "451 later", T0.plusSeconds(60))));
        assertThat(queue.show("Q1")).hasSize(2);
        assertThat(queue.claimDue(T0.plusSeconds(61), Duration.ofMinutes(5), 10, "remote.test")).isEmpty();
        assertThat(queue.claimDue(T0.plusSeconds(61), Duration.ofMinutes(5), 10, "other.test")).hasSize(1);
        // Another node starting leaves the lease alone (that node may be sending); this node's next run frees it.
        assertThat(new SqlQueue(db, new LeaseOwner("node-b", "run1")).releaseLeases()).isZero();
        assertThat(queue.releaseLeases()).isZero();
        queue = new SqlQueue(db, new LeaseOwner("node-a", "run2"));
        assertThat(queue.releaseLeases()).isEqualTo(1);
        assertThat(queue.retryDomain("OTHER.test")).isEqualTo(1);
        assertThat(queue.retry("Q1")).isEqualTo(1);
        assertThat(queue.bounce("Q1", "given up")).isEqualTo(1);
        Queue.Entry failed = queue.list().stream().filter(e -> e.status().equals("failed")).findFirst().orElseThrow();
        // Only a lease holder's outcome counts: the bounce is recorded once claimed.
        assertThat(queue.record(List.of(new Queue.Outcome.Done(failed.recipientId())))).isEmpty();
        assertThat(queue.claimDue(T0.plusSeconds(61), Duration.ofMinutes(5), 10, null)).extracting(Queue.Entry::status).containsExactly("failed");
        assertThat(queue.record(List.of(new Queue.Outcome.Done(failed.recipientId())))).hasSize(1);
        assertThat(queue.list()).isEmpty();
        assertThat(queue.nextDue()).isEmpty();
        assertThat(queue.delete("Q1")).isFalse();
    }

    @Test
    void sieveScriptsAndVacationReplies() {
        sieve.put(account, "main", "keep;");
        sieve.put(account, "main", "discard;");
        sieve.put(account, "other", "keep;");
        sieve.setActive(account, "main");
        sieve.setActive(account, "other");
        assertThat(sieve.active(account)).get().extracting(SieveScripts.Script::name).isEqualTo("other");
        assertThat(sieve.get(account, "main")).get().extracting(SieveScripts.Script::content).isEqualTo("discard;");
        assertThatThrownBy(() -> sieve.delete(account, "other")).isInstanceOf(Conflict.class);
        sieve.rename(account, "main", "old");
        assertThatThrownBy(() -> sieve.rename(account, "old", "other")).isInstanceOf(Conflict.class);
        sieve.setActive(account, null);
        assertThat(sieve.active(account)).isEmpty();
        sieve.delete(account, "other");
        assertThat(sieve.list(account)).extracting(SieveScripts.Script::name).containsExactly("old");

        assertThat(sieve.claimVacationReply(account, "Bob@x.test", "h", T0, T0.plusSeconds(3600))).isTrue();
        assertThat(sieve.claimVacationReply(account, "bob@x.test", "h", T0.plusSeconds(60), T0.plusSeconds(3660))).isFalse();
        assertThat(sieve.claimVacationReply(account, "bob@x.test", "h", T0.plusSeconds(3600), T0.plusSeconds(7200))).isTrue();
    }

    @Test
    void aFailingWriteLeavesNothingBehindAndTheStoreGoesOn() {
        assertThatThrownBy(() -> messages.appendAll(inbox + 1_000, List.of(new Messages.NewMessage(blob(1), 0, List.of(), T0, null))))
                .isInstanceOf(org.estafeta.store.StoreException.class);
        assertThat(append(inbox, 1)).containsExactly(1L);
    }
}
