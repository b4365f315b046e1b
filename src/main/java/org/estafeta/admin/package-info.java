/**
 * Administration as one service: domains, accounts, aliases, API tokens and the outbound queue. The
 * CLI, the web admin and the JSON API all call {@link org.estafeta.admin.Admin}, so that a rule
 * (address syntax, who may be removed) lives in one place. Errors are {@link IllegalArgumentException}
 * for bad input and {@link org.estafeta.store.Conflict} for state that forbids the change.
 */
package org.estafeta.admin;
