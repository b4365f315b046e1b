package org.estafeta.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.estafeta.mime.PartContent;
import org.estafeta.net.ClientText;
import org.estafeta.sieve.Action;
import org.estafeta.sieve.Compiler;
import org.estafeta.sieve.Interpreter;
import org.estafeta.sieve.Outcome;
import org.estafeta.sieve.ParsedMessage;
import org.estafeta.sieve.Script;
import org.estafeta.sieve.SieveException;
import org.estafeta.sieve.SieveLimits;
import org.estafeta.sieve.SieveMessage;
import org.estafeta.store.Accounts;
import org.estafeta.store.Filing;
import org.estafeta.store.Flag;
import org.estafeta.store.Mailbox;
import org.estafeta.store.Mailboxes;
import org.estafeta.store.SieveScripts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-recipient filter step run with each account's active Sieve script: the script's actions
 * become filings (folder and flags), redirects (queued with SRS by the pipeline), vacation replies
 * (sent once per sender and period, RFC 5230 §4.2) and refusals (RFC 5429). A script that fails at
 * run time, or no longer compiles, keeps the message where it would have gone (RFC 5228 §2.10.6),
 * and the reason is logged.
 */
public final class SieveFilter implements RecipientFilter {

    private static final Logger log = LoggerFactory.getLogger(SieveFilter.class);

    private final SieveScripts scripts;
    private final Mailboxes mailboxes;
    private final Accounts accounts;
    private final SieveLimits limits;
    private final String hostname;
    private final int maxHops;
    private final Clock clock;
    /** Compiled scripts by account, reused while the text is the same. */
    private final Map<Long, Compiled> compiled = new ConcurrentHashMap<>();

    private record Compiled(String content, Script script) {
    }

    /** @param maxHops sieve.max_hops: from this many Received fields on, redirect becomes keep (a loop between scripts ends here) */
    public SieveFilter(SieveScripts scripts, Mailboxes mailboxes, Accounts accounts, SieveLimits limits, String hostname, int maxHops,
            Clock clock) {
        this.scripts = scripts;
        this.mailboxes = mailboxes;
        this.accounts = accounts;
        this.limits = limits;
        this.hostname = hostname;
        this.maxHops = maxHops;
        this.clock = clock;
    }

    @Override
    public Decision decide(Context c) {
        var active = scripts.active(c.accountId());
        if (active.isEmpty()) return Decision.keep(c.keep());
        Script script = script(c.accountId(), active.get().content());
        if (script == null) return Decision.keep(c.keep());
        Instant now = clock.instant();
        long account = c.accountId();
        var context = new org.estafeta.sieve.Context(c.envelope().sender(), c.recipient(), ownAddresses(c, script), hostname, name -> mailboxes.mailbox(account, name).isPresent(), now);
        Outcome outcome = Interpreter.run(script, new Arrived(c.message()), context, limits);
        for (String note : outcome.notes()) log.info("sieve {} for {}: {}", active.get().name(), c.recipient(), note);
        if (outcome.failed()) {
            log.warn("sieve script {} of account {} failed, message kept: {}", active.get().name(), account, outcome.error());
            return Decision.keep(c.keep());
        }
        List<Filing> filings = new ArrayList<>();
        List<String> redirects = new ArrayList<>();
        List<Reply> replies = new ArrayList<>();
        String reject = null;
        boolean loop = c.message().headers().all("Received").size() >= maxHops;
        for (Action a : outcome.actions()) {
            switch (a) {
                case Action.Keep k -> filings.add(filing(account, c.keep().mailbox(), k.flags(), c.keep()));
                case Action.FileInto f -> {
                    if (!Mailbox.validName(f.mailbox())) {
                        // A name a variable filled from the message ("${1}" of a stranger's From) is no mailbox.
                        log.warn("sieve fileinto of account {}: {} is no valid mailbox name, kept instead", account,
                                ClientText.printable(f.mailbox()));
                        filings.add(filing(account, c.keep().mailbox(), f.flags(), c.keep()));
                        continue;
                    }
                    if (f.create() && mailboxes.mailbox(account, f.mailbox()).isEmpty()) create(account, f.mailbox());
                    filings.add(filing(account, f.mailbox(), f.flags(), c.keep()));
                }
                case Action.Redirect r -> {
                    if (loop) {
                        log.warn("sieve redirect of account {} to <{}> not done: {} hops already, kept instead", account, r.address(), maxHops);
                        filings.add(c.keep());
                    } else {
                        redirects.add(r.address());
                    }
                }
                case Action.Reject r -> reject = r.reason();
                case Action.Vacation v -> {
                    if (scripts.claimVacationReply(account, v.to(), v.key(), now, now.plusSeconds(v.seconds()))) {
                        replies.add(new Reply(v.to(), v.message()));
                    } else {
                        log.info("sieve vacation for {}: already answered <{}> within {} s", c.recipient(), v.to(), v.seconds());
                    }
                }
            }
        }
        return new Decision(filings, redirects, replies, reject);
    }

    /**
     * The addresses vacation takes as the user's own (RFC 5230 §4.5): the recipient this run is for
     * and, when the script can reply, the account's address and its aliases.
     */
    private List<String> ownAddresses(Context c, Script script) {
        List<String> own = new ArrayList<>(List.of(c.recipient().toLowerCase(java.util.Locale.ROOT)));
        if (script.extensions().contains("vacation")) {
            for (String a : accounts.ownAddresses(c.accountId())) if (!own.contains(a)) own.add(a);
        }
        return own;
    }

    private Script script(long account, String content) {
        Compiled c = compiled.get(account);
        if (c != null && c.content().equals(content)) return c.script();
        try {
            Script s = Compiler.compile(content, limits);
            compiled.put(account, new Compiled(content, s));
            return s;
        } catch (SieveException e) {
            // Stored scripts were compiled on upload; a lower limit since then can make one fail.
            log.warn("active sieve script of account {} does not compile, message kept: {}", account, e.describe());
            return null;
        }
    }

    private void create(long account, String name) {
        try {
            mailboxes.create(account, name, null);
        } catch (RuntimeException e) {
            // Made by a concurrent delivery, or an invalid name: the filing falls back to INBOX.
            log.info("fileinto :create {} for account {}: {}", name, account, e.getMessage());
        }
    }

    /** IMAP system flags become bits, anything else a keyword; added to what the route already set. */
    private static Filing filing(long account, String mailbox, List<String> flags, Filing base) {
        int bits = base.flags();
        List<String> keywords = new ArrayList<>(base.keywords());
        for (String f : flags) {
            Flag system = Flag.byImapName(f);
            if (system != null) bits |= system.bit();
            else if (!f.startsWith("\\") && !keywords.contains(f)) keywords.add(f);
        }
        return new Filing(account, mailbox, bits, keywords);
    }

    /** The message as Sieve sees it: the header from the pipeline, the body read only if a test needs it. */
    private static final class Arrived implements SieveMessage {
        private final ArrivedMessage message;
        private ParsedMessage whole;

        Arrived(ArrivedMessage message) {
            this.message = message;
        }

        @Override
        public List<String> header(String name) {
            List<String> out = new ArrayList<>();
            for (String v : message.headers().all(name)) out.add(PartContent.decodeHeader(v).strip());
            return out;
        }

        @Override
        public long size() {
            return message.size();
        }

        @Override
        public String rawBody() {
            return whole().rawBody();
        }

        @Override
        public List<Part> parts() {
            return whole().parts();
        }

        private ParsedMessage whole() {
            if (whole == null) {
                try (var in = message.content()) {
                    whole = new ParsedMessage(in.readAllBytes());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return whole;
        }
    }
}
