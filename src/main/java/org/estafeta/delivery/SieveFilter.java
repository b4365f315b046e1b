package org.estafeta.delivery;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estafeta.sieve.Action;
import org.estafeta.sieve.Compiler;
import org.estafeta.sieve.Interpreter;
import org.estafeta.sieve.Outcome;
import org.estafeta.sieve.ParsedMessage;
import org.estafeta.sieve.Script;
import org.estafeta.sieve.SieveException;
import org.estafeta.sieve.SieveLimits;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.SieveScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-recipient step with each account's active Sieve script: its actions become filings (folder
 * and flags), redirects, vacation replies (once per sender and period, RFC 5230 §4.2) and refusals
 * (RFC 5429). A script that fails at run time, or no longer compiles, keeps the message in INBOX
 * (RFC 5228 §2.10.6) and the reason is logged.
 */
public final class SieveFilter {

    private static final Logger log = LoggerFactory.getLogger(SieveFilter.class);

    /**
     * @param redirects addresses to resend to through the queue
     * @param replies vacation replies, each {to, message}
     * @param reject non-null: the script refused the message with this reason
     */
    public record Decision(List<Filing> filings, List<String> redirects, List<Reply> replies, String reject) {
        static Decision keep(long accountId) {
            return new Decision(List.of(Filing.inbox(accountId)), List.of(), List.of(), null);
        }
    }

    public record Reply(String to, byte[] message) {
    }

    private final SieveScripts scripts;
    private final Mailboxes mailboxes;
    private final SieveLimits limits;
    private final String hostname;
    private final int maxHops;
    private final Clock clock;
    /** Compiled scripts by account, reused while the text is the same. */
    private final Map<Long, Compiled> compiled = new ConcurrentHashMap<>();

    private record Compiled(String content, Script script) {
    }

    /** @param maxHops sieve.max_hops: from this many Received fields on, a redirect becomes keep (loops between scripts end here) */
    public SieveFilter(SieveScripts scripts, Mailboxes mailboxes, SieveLimits limits, String hostname, int maxHops, Clock clock) {
        this.scripts = scripts;
        this.mailboxes = mailboxes;
        this.limits = limits;
        this.hostname = hostname;
        this.maxHops = maxHops;
        this.clock = clock;
    }

    /** Whether the account has an active script (else the message needs no reading). */
    boolean applies(long accountId) {
        return scripts.active(accountId).isPresent();
    }

    /** @param message the stored message, as read back once for all the accounts that have scripts */
    Decision decide(long account, String recipient, String sender, ParsedMessage message) {
        var active = scripts.active(account);
        if (active.isEmpty()) return Decision.keep(account);
        Script script = script(account, active.get().content());
        if (script == null) return Decision.keep(account);
        Instant now = clock.instant();
        var context = new org.estafeta.sieve.Context(sender, recipient, List.of(recipient.toLowerCase(Locale.ROOT)), hostname,
                name -> mailboxes.mailbox(account, name).isPresent(), now);
        Outcome outcome = Interpreter.run(script, message, context, limits);
        for (String note : outcome.notes()) log.info("sieve {} for <{}>: {}", active.get().name(), recipient, note);
        if (outcome.failed()) {
            log.warn("sieve script {} of <{}> failed, message kept: {}", active.get().name(), recipient, outcome.error());
            return Decision.keep(account);
        }
        List<Filing> filings = new ArrayList<>();
        List<String> redirects = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        String reject = null;
        boolean loop = message.header("Received").size() >= maxHops;
        for (Action a : outcome.actions()) {
            switch (a) {
                case Action.Keep k -> filings.add(filing(account, "INBOX", k.flags()));
                case Action.FileInto f -> {
                    if (f.create() && mailboxes.mailbox(account, f.mailbox()).isEmpty()) create(account, f.mailbox());
                    filings.add(filing(account, f.mailbox(), f.flags()));
                }
                case Action.Redirect r -> {
                    if (loop) {
                        log.warn("sieve redirect of <{}> to <{}> not done: {} hops already, kept instead", recipient, r.address(), maxHops);
                        filings.add(Filing.inbox(account));
                    } else {
                        redirects.add(r.address());
                    }
                }
                case Action.Reject r -> reject = r.reason();
                case Action.Vacation v -> {
                    if (scripts.claimVacationReply(account, v.to(), v.key(), now, now.plusSeconds(v.seconds()))) {
                        replies.add(new Reply(v.to(), v.message()));
                    } else {
                        log.info("sieve vacation for <{}>: <{}> already answered within {} s", recipient, v.to(), v.seconds());
                    }
                }
            }
        }
        return new Decision(filings, redirects, replies, reject);
    }

    private Script script(long account, String content) {
        Compiled c = compiled.get(account);
        if (c != null && c.content().equals(content)) return c.script();
        try {
            Script s = Compiler.compile(content, limits);
            compiled.put(account, new Compiled(content, s));
            return s;
        } catch (SieveException e) {
            // Stored scripts compiled on upload; a lower limit since then can make one fail.
            log.warn("active sieve script of account {} does not compile, message kept: {}", account, e.describe());
            return null;
        }
    }

    private void create(long account, String name) {
        try {
            mailboxes.create(account, name, null);
        } catch (RuntimeException e) {
            // Made meanwhile, or an invalid name: the filing falls back to INBOX.
            log.info("fileinto :create {} for account {}: {}", name, account, e.getMessage());
        }
    }

    /** IMAP system flags become bits, anything else a keyword. */
    private static Filing filing(long account, String mailbox, List<String> flags) {
        int bits = 0;
        List<String> keywords = new ArrayList<>();
        for (String f : flags) {
            Flag system = Flag.byImapName(f);
            if (system != null) bits |= system.bit();
            else if (!f.startsWith("\\")) keywords.add(f);
        }
        return new Filing(account, mailbox, bits, keywords);
    }

    static ParsedMessage read(java.io.InputStream in) throws IOException {
        return new ParsedMessage(in.readAllBytes());
    }
}
