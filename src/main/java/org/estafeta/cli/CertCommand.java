package org.estafeta.cli;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.estafeta.app.ControlSocket;
import org.estafeta.config.Config;
import org.estafeta.tls.acme.AcmeRenewal;
import org.estafeta.tls.acme.AcmeRevocation;
import org.shredzone.acme4j.RevocationReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code estafeta cert revoke NAME}: the ACME certificate's revocation, and a new order by the running server. */
@Command(name = "cert", description = "The certificate ACME keeps.", subcommands = CertCommand.Revoke.class)
final class CertCommand {

    @ParentCommand
    Main main;

    @Command(name = "revoke", description = "Revoke the ACME certificate that names NAME (RFC 8555 §7.6); a running server orders a new one at once.")
    static final class Revoke implements Callable<Integer> {

        @ParentCommand
        CertCommand cert;

        @Parameters(paramLabel = "NAME", description = "A name the certificate covers (which one is meant).")
        String name;

        @Option(names = "--reason", paramLabel = "REASON", defaultValue = "unspecified",
                description = "RFC 5280 §5.3.1: unspecified, key_compromise, superseded, cessation_of_operation, affiliation_changed.")
        String reason;

        @Override
        public Integer call() throws Exception {
            Config config = cert.main.config();
            if (!config.tls().acme()) throw new IllegalArgumentException("tls.acme_directory is not set: there is no ACME certificate to revoke");
            Path dir = config.server().dataDir().resolve("acme");
            // Revocation asks no challenge of us: the type is what the settings need, not used here.
            AcmeRenewal.Settings settings = new AcmeRenewal.Settings(config.tls().acmeDirectory(), config.tls().acmeEmail(), config.tls().acmeTrust(),
                    dir, AcmeRenewal.Challenge.HTTP_01);
            X509Certificate revoked = AcmeRevocation.revoke(settings, name, RevocationReason.valueOf(reason.toUpperCase(Locale.ROOT)));
            System.out.println("revoked certificate " + revoked.getSerialNumber().toString(16) + " (" + revoked.getSubjectX500Principal().getName() + ")");
            List<String> answer = ControlSocket.request(config.server().dataDir(), "reload");
            System.out.println(answer == null ? "no server is running: it orders a new certificate when it starts"
                    : "the running server orders a new certificate now");
            return 0;
        }
    }
}
