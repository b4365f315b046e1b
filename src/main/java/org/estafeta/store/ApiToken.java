package org.estafeta.store;

import java.time.Instant;

/** An admin API token as the admin sees it: the hash that names it (never the token), its name, owner and age. */
public record ApiToken(String hash, String name, String owner, Instant created) {
}
