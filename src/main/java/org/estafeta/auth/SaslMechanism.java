package org.estafeta.auth;

import java.util.Locale;
import java.util.Optional;

/** The SASL mechanisms the server offers, in the order they are advertised. */
public enum SaslMechanism {
    /** RFC 4616: authzid NUL authcid NUL password, in one message. */
    PLAIN("PLAIN", true),
    /** The old "Username:"/"Password:" dialogue (draft-murchison-sasl-login) that Outlook and the labs use. */
    LOGIN("LOGIN", true),
    /** RFC 5802 with SHA-256 (RFC 7677): the password never crosses the wire, so it is fine without TLS. */
    SCRAM_SHA_256("SCRAM-SHA-256", false);

    private final String saslName;
    private final boolean sendsPassword;

    SaslMechanism(String saslName, boolean sendsPassword) {
        this.saslName = saslName;
        this.sendsPassword = sendsPassword;
    }

    /** The name on the wire, as in {@code AUTH SCRAM-SHA-256}. */
    public String saslName() {
        return saslName;
    }

    /** The password travels in clear (base64 is no protection): only over TLS or from net.lenient_networks. */
    public boolean sendsPassword() {
        return sendsPassword;
    }

    public static Optional<SaslMechanism> byName(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (SaslMechanism m : values()) if (m.saslName.equals(upper)) return Optional.of(m);
        return Optional.empty();
    }
}
