/**
 * DNS for the whole server: one {@link org.estafeta.dns.Dns} resolver (dnsjava, TTL cache, typed
 * temporary failure) and what mail routing asks of it ({@link org.estafeta.dns.MxResolver}). Nothing
 * here knows SMTP sessions or storage; {@code queue} and {@code mailauth} use it.
 */
package org.estafeta.dns;
