/**
 * Webmail, web admin and the admin REST API on Javalin (virtual threads) with jte templates compiled
 * at build time and htmx served from its WebJar; no JavaScript build. The web is a protocol like IMAP:
 * it reads and changes mail only through {@code store}, logs in through {@code auth}, sends through
 * {@code delivery.Inbound} and administers through {@code admin}.
 *
 * <p>Security invariants: session cookies are HttpOnly, SameSite=Strict, Secure over HTTPS; every
 * state-changing request outside {@code /api/} carries the session's CSRF token (the login form a
 * double-submit token); every page has a Content-Security-Policy without inline scripts; mail HTML is
 * sanitised ({@link org.estafeta.web.HtmlPolicy}) and shown in a sandboxed iframe whose own CSP
 * allows no script and no remote content unless the reader asks for images; attachments are
 * downloaded, never rendered; header fields typed by users cannot carry CR or LF.
 */
package org.estafeta.web;
