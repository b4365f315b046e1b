package org.estafeta.tls.acme;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.estafeta.tls.CertifiedKey;
import org.estafeta.tls.TlsContexts;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.util.KeyPairUtils;

/**
 * Revokes the certificate ACME keeps ({@code estafeta cert revoke NAME}), as the account that
 * ordered it (RFC 8555 §7.6), and moves its file aside so that the server orders a new one at its
 * next look (a reload, or the renewal's next wake) instead of serving a revoked one for long.
 */
public final class AcmeRevocation {

    /** Where a revoked certificate is kept, beside the live one, for the record. */
    static final String REVOKED_FILE = "certificate.revoked.pem";

    private AcmeRevocation() {
    }

    /**
     * Revokes the kept certificate, which must name {@code name} (so that the operator revokes the
     * one meant); returns it as it was.
     */
    public static X509Certificate revoke(AcmeRenewal.Settings settings, String name, RevocationReason reason)
            throws IOException, AcmeException, java.security.GeneralSecurityException {
        Path file = settings.certificate();
        if (!Files.exists(file)) throw new IllegalArgumentException("no ACME certificate in " + settings.dir());
        CertifiedKey kept = TlsContexts.read(file, file);
        if (!kept.covers(name)) throw new IllegalArgumentException("the ACME certificate names " + kept.names() + ", not " + name);
        Path accountFile = settings.dir().resolve("account.pem");
        if (!Files.exists(accountFile)) throw new IllegalArgumentException("no ACME account key in " + accountFile);
        KeyPair accountKey;
        try (Reader r = Files.newBufferedReader(accountFile)) {
            accountKey = KeyPairUtils.readKeyPair(r);
        }
        if (java.security.Security.getProvider("BC") == null) java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        Session session = new Session(URI.create(settings.directory()), new AcmeOrder.Provider(settings.trust()));
        // The account exists (it ordered the certificate): onlyExisting never makes a new one (§7.3.1).
        Login login = new AccountBuilder().onlyExisting().useKeyPair(accountKey).createLogin(session);
        Certificate.revoke(login, kept.leaf(), reason);
        Files.move(file, file.resolveSibling(REVOKED_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return kept.leaf();
    }
}
