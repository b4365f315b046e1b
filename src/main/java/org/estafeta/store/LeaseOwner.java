package org.estafeta.store;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Who holds a queue lease: a node (its id kept in its data dir, the same across restarts) and one run
 * of it (random per process start). The data dir lock lets one process at a time be a node, so when a
 * node starts, every lease of its earlier runs belongs to a dead process and may be freed at once;
 * a lease of another node is left to run out, since that node may be alive and sending.
 */
public record LeaseOwner(String node, String run) {

    private static final SecureRandom RANDOM = new SecureRandom();

    public LeaseOwner {
        if (!node.matches("[0-9a-z-]{1,64}") || !run.matches("[0-9a-z]{1,32}")) {
            throw new IllegalArgumentException("node and run ids are short lower-case tokens, were " + node + " and " + run);
        }
    }

    /** A new run of {@code node}. */
    public static LeaseOwner newRun(String node) {
        return new LeaseOwner(node, randomId(6));
    }

    /** A random id of {@code bytes} bytes in hex: for a node's first start and for each run. */
    public static String randomId(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** As stored in {@code queue_recipients.lease_owner}. */
    @Override
    public String toString() {
        return node + "/" + run;
    }

    /** What every run of this node's {@code lease_owner} starts with (the ids hold no LIKE wildcards). */
    public String nodePrefix() {
        return node + "/";
    }
}
