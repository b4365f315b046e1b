package org.estafeta.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The effective configuration: immutable, validated on construction, built by {@link ConfigLoader}
 * from defaults, {@code estafeta.toml} and {@code --set} overrides, in that order.
 */
public record Config(Server server, Ports ports, Tls tls, Smtp smtp, Limits limits) {

    public Config {
        Objects.requireNonNull(server);
        Objects.requireNonNull(ports);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(smtp);
        Objects.requireNonNull(limits);
    }

    /** Identity of this node and where it keeps its data. */
    public record Server(String hostname, Path dataDir, String bind, List<String> domains) {
        public Server {
            if (hostname.isBlank()) throw new IllegalArgumentException("server.hostname must not be empty");
            domains = List.copyOf(domains);
        }
    }

    /** Listener ports; 0 picks an ephemeral port (tests), -1 disables the listener. */
    public record Ports(int smtp, int smtps, int imap, int imaps) {
        public Ports {
            checkPort("ports.smtp", smtp);
            checkPort("ports.smtps", smtps);
            checkPort("ports.imap", imap);
            checkPort("ports.imaps", imaps);
        }

        private static void checkPort(String key, int port) {
            if (port < -1 || port > 65535) throw new IllegalArgumentException(key + " must be -1..65535, was " + port);
        }
    }

    /** PEM certificate chain and private key; when absent a self-signed pair is made in the data dir. */
    public record Tls(Path certificate, Path privateKey) {
        public Tls {
            if ((certificate == null) != (privateKey == null)) {
                throw new IllegalArgumentException("tls.certificate and tls.private_key must be set together");
            }
        }
    }

    /**
     * SMTP policy. {@code relayNetworks} are the trusted clients: they may relay, may send a password
     * before TLS, and may end DATA with a bare LF.LF (people typing in nc).
     */
    public record Smtp(List<Cidr> relayNetworks, boolean vrfyLocalUsers, String banner) {
        public Smtp {
            relayNetworks = List.copyOf(relayNetworks);
        }
    }

    /** Every limit a client can hit, each with its own clear error. */
    public record Limits(
            int lineLength,
            long messageSize,
            int recipients,
            int errors,
            int connectionsPerIp,
            int connections,
            Duration idleTimeout,
            int imapLineLength,
            long imapLiteral,
            Duration imapIdleTimeout) {
        public Limits {
            if (lineLength < 512) throw new IllegalArgumentException("limits.line_length must be at least 512 (RFC 5321 §4.5.3.1.4)");
            if (messageSize < 1024) throw new IllegalArgumentException("limits.message_size must be at least 1024");
            if (recipients < 1) throw new IllegalArgumentException("limits.recipients must be at least 1");
            if (errors < 1) throw new IllegalArgumentException("limits.errors must be at least 1");
            if (connectionsPerIp < 1) throw new IllegalArgumentException("limits.connections_per_ip must be at least 1");
            if (connections < 1) throw new IllegalArgumentException("limits.connections must be at least 1");
            if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("limits.idle_timeout must be positive");
            if (imapLineLength < 8192) throw new IllegalArgumentException("limits.imap_line_length must be at least 8192 (RFC 7162 §4)");
            if (imapLiteral < 1024) throw new IllegalArgumentException("limits.imap_literal must be at least 1024");
            if (imapIdleTimeout.toSeconds() < 1) throw new IllegalArgumentException("limits.imap_idle_timeout must be positive");
        }
    }
}
