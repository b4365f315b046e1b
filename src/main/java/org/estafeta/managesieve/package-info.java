/**
 * ManageSieve (RFC 5804): clients upload, check, list and activate the account's Sieve scripts. One
 * {@link org.estafeta.managesieve.ManageSieveSession} per connection; scripts are compiled with
 * {@code sieve} before they are stored, so a script that does not compile never reaches delivery.
 * Meets the rest of the server only in {@code auth} (shared SASL) and {@code store} (the scripts).
 */
package org.estafeta.managesieve;
