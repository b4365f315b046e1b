package org.estafeta.config;

import java.util.List;

/**
 * Every configuration key with its type, default and meaning. This list is the single source for
 * parsing {@code estafeta.toml}, {@code --set} overrides, {@code config show} and docs/config.md.
 */
public enum ConfigKey {
    SERVER_HOSTNAME("server.hostname", Type.STRING, "", "Name in greetings and Received headers (default: this machine's host name)."),
    SERVER_DOMAINS("server.domains", Type.LIST, List.of(), "Domains added on the first start (default: localhost and the host name)."),
    SERVER_BIND("server.bind", Type.STRING, "", "Listening address (default: all addresses)."),
    PORTS_SMTP("ports.smtp", Type.INT, 25L, "SMTP MX listener with STARTTLS; the default is 25 + the port offset (3000); -1 disables it."),
    PORTS_SMTPS("ports.smtps", Type.INT, 465L, "SMTP over implicit TLS; the default is 465 + the port offset; -1 disables it."),
    PORTS_IMAP("ports.imap", Type.INT, 143L, "IMAP listener with STARTTLS; the default is 143 + the port offset; -1 disables it."),
    PORTS_IMAPS("ports.imaps", Type.INT, 993L, "IMAP over implicit TLS; the default is 993 + the port offset; -1 disables it."),
    TLS_CERTIFICATE("tls.certificate", Type.STRING, "", "PEM certificate chain (default: a self-signed one made in DATA/tls/)."),
    TLS_PRIVATE_KEY("tls.private_key", Type.STRING, "", "PEM private key matching tls.certificate."),
    SMTP_RELAY_NETWORKS("smtp.relay_networks", Type.LIST, List.of("127.0.0.0/8", "::1/128"),
            "Trusted clients (CIDR): may relay, may log in before TLS, may end DATA with LF.LF. Empty = nobody."),
    SMTP_VRFY_LOCAL_USERS("smtp.vrfy_local_users", Type.BOOL, false, "VRFY answers 250/550 for local users (for labs) instead of 252."),
    SMTP_BANNER("smtp.banner", Type.STRING, "ESMTP Estafeta", "Text after the host name in the 220 greeting."),
    LIMITS_LINE_LENGTH("limits.line_length", Type.INT, 2048L, "Longest command line in octets, CRLF included (RFC 5321 minimum 512)."),
    LIMITS_MESSAGE_SIZE("limits.message_size", Type.INT, 50L * 1024 * 1024, "Largest message in octets (advertised as SIZE)."),
    LIMITS_RECIPIENTS("limits.recipients", Type.INT, 100L, "Recipients per message (RFC 5321 §4.5.3.1.8 asks for at least 100)."),
    LIMITS_ERRORS("limits.errors", Type.INT, 10L, "Protocol errors before the server says 421 and hangs up."),
    LIMITS_CONNECTIONS_PER_IP("limits.connections_per_ip", Type.INT, 20L, "Simultaneous connections from one address."),
    LIMITS_CONNECTIONS("limits.connections", Type.INT, 10000L, "Simultaneous connections in all."),
    LIMITS_IMAP_LINE_LENGTH("limits.imap_line_length", Type.INT, 65536L, "Longest IMAP command line in octets, literals not counted (RFC 7162 §4 asks for at least 8192)."),
    LIMITS_IMAP_LITERAL("limits.imap_literal", Type.INT, 50L * 1024 * 1024, "Largest IMAP literal (APPEND message) in octets; larger ones get NO [TOOBIG] before they are sent."),
    LIMITS_IMAP_IDLE_TIMEOUT("limits.imap_idle_timeout", Type.INT, 1800L, "Seconds an IMAP client may stay silent (RFC 9051 §5.4: at least 30 minutes)."),
    LIMITS_IDLE_TIMEOUT("limits.idle_timeout", Type.INT, 300L, "Seconds a client may stay silent before 421 (RFC 5321 §4.5.3.2.7: 5 minutes).");

    public enum Type { STRING, INT, BOOL, LIST }

    public final String key;
    public final Type type;
    public final Object defaultValue;
    public final String doc;

    ConfigKey(String key, Type type, Object defaultValue, String doc) {
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
    }

    public static ConfigKey byName(String key) {
        for (ConfigKey k : values()) if (k.key.equals(key)) return k;
        throw new IllegalArgumentException("unknown configuration key: " + key);
    }
}
