package org.estafeta.delivery;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.estafeta.store.Account;
import org.estafeta.store.Accounts;

/**
 * Turns a recipient address into accounts: the account itself, else its alias, else the domain's
 * catch-all; {@code user+tag@domain} falls back to {@code user@domain}; aliases expand recursively
 * with loops cut, and targets in other domains are collected for forwarding. {@code postmaster} always exists (RFC 5321 §4.5.1): without an account or alias it
 * reaches the administrators.
 */
public final class RecipientResolver {

    /** Alias chains longer than this are a configuration mistake, not mail routing. */
    private static final int MAX_EXPANSIONS = 100;

    private final Accounts accounts;

    public RecipientResolver(Accounts accounts) {
        this.accounts = accounts;
    }

    public Resolution resolve(String address) {
        String addr = address.toLowerCase(Locale.ROOT);
        int at = addr.lastIndexOf('@');
        String domain = addr.substring(at + 1);
        if (!accounts.servesDomain(domain)) return new Resolution.Remote();
        Map<Long, OptionalLong> found = new LinkedHashMap<>();
        Set<String> forwards = new LinkedHashSet<>();
        expand(addr, found, forwards);
        if (found.isEmpty() && forwards.isEmpty() && addr.startsWith("postmaster@")) {
            accounts.accounts().stream().filter(a -> a.admin() && !a.disabled()).map(Account::id).forEach(id -> found.put(id, null));
        }
        Map<Long, OptionalLong> quotas = new HashMap<>(found);
        quotas.values().removeIf(java.util.Objects::isNull);
        return found.isEmpty() && forwards.isEmpty() ? new Resolution.UnknownUser()
                : new Resolution.Local(List.copyOf(found.keySet()), List.copyOf(forwards), quotas);
    }

    private void expand(String start, Map<Long, OptionalLong> found, Set<String> forwards) {
        Deque<String> pending = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty() && seen.size() < MAX_EXPANSIONS) {
            String addr = pending.pop();
            if (!seen.add(addr)) continue;
            Optional<Accounts.WithQuota> holder = accounts.accountWithQuota(addr);
            if (holder.isPresent()) {
                Account account = holder.get().account();
                if (!account.disabled()) found.put(account.id(), holder.get().quota());
                continue;
            }
            List<String> targets = accounts.aliasTargets(addr);
            if (targets.isEmpty()) targets = accounts.aliasTargets(withoutTag(addr));
            if (targets.isEmpty() && !withoutTag(addr).equals(addr)) targets = List.of(withoutTag(addr));
            if (targets.isEmpty()) targets = accounts.aliasTargets(addr.substring(addr.lastIndexOf('@')));
            // Targets in domains we do not serve are forwarded through the outbound queue (RFC 5321 §3.9.1).
            for (String t : targets) {
                if (accounts.servesDomain(t.substring(t.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT))) pending.add(t);
                else forwards.add(t);
            }
        }
    }

    /** RFC 5233 subaddress: {@code user+tag@domain} → {@code user@domain}. */
    private static String withoutTag(String addr) {
        int plus = addr.indexOf('+'), at = addr.lastIndexOf('@');
        return plus > 0 && plus < at ? addr.substring(0, plus) + addr.substring(at) : addr;
    }
}
