package org.estafeta.store.sql;

/**
 * The SQL that differs between the two databases the store runs on. Everything else is written once,
 * in the subset both accept (ON CONFLICT, RETURNING, FILTER); what is here has no common spelling.
 * The schemas themselves are per dialect ({@code db/sqlite}, {@code db/postgresql}), with the same
 * versions and the same meaning.
 */
enum Dialect {

    /** Embedded, one file in the data dir: one writer with group commit (see {@link SqlWriter}). */
    SQLITE("classpath:db/sqlite", "last_insert_rowid()", "CROSS JOIN", "", "max"),

    /** A server several nodes share: pooled connections, each write its own transaction. */
    POSTGRESQL("classpath:db/postgresql", "lastval()", "JOIN", " ESCAPE ''", "greatest");

    /** Where Flyway finds this dialect's schema migrations. */
    final String migrations;
    /** The id the last INSERT into a table with a generated key gave (FTS5 tables have no RETURNING). */
    final String lastInsertId;
    /**
     * A join that keeps its left side first: SQLite's planner takes CROSS JOIN as that order;
     * PostgreSQL allows no ON with CROSS JOIN and plans the order itself.
     */
    final String orderedJoin;
    /** What makes LIKE take the pattern as written: PostgreSQL's LIKE has a backslash escape by default, SQLite's none. */
    final String likeWithoutEscape;
    /** The larger of two values (SQLite's two-argument max). */
    final String greatest;

    Dialect(String migrations, String lastInsertId, String orderedJoin, String likeWithoutEscape, String greatest) {
        this.migrations = migrations;
        this.lastInsertId = lastInsertId;
        this.orderedJoin = orderedJoin;
        this.likeWithoutEscape = likeWithoutEscape;
        this.greatest = greatest;
    }

    /**
     * Locks the rows a queue claim selects, skipping those another node is claiming at this moment
     * (PostgreSQL); SQLite's single writer already serialises claims.
     */
    String skipLocked(String table) {
        return this == POSTGRESQL ? " FOR UPDATE OF " + table + " SKIP LOCKED" : "";
    }

    /** Locks the rows a read-modify-write selects until its commit (PostgreSQL); SQLite's single writer already serialises it. */
    String forUpdate() {
        return this == POSTGRESQL ? " FOR UPDATE" : "";
    }
}
