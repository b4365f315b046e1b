/**
 * Certificates from an ACME CA (RFC 8555, acme4j): one order for the server's names, proven by
 * HTTP-01 on the web port or by TLS-ALPN-01 (RFC 8737) on the HTTPS port (tls.acme_challenge; the
 * challenge certificate is shown only on handshakes that agree ALPN acme-tls/1), kept as one PEM file (key and chain) in {@code DATA/acme/} that
 * {@link org.estafeta.tls.ServerCertificates} serves, and renewed at two thirds of its lifetime.
 * Failures are logged and retried with backoff; they never stop the server, which keeps serving
 * the certificate it has (at worst the self-signed one).
 */
package org.estafeta.tls.acme;
