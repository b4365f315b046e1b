package org.estafeta.cli;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.estafeta.mailauth.DkimAlgorithm;
import org.estafeta.mailauth.DkimKey;
import org.estafeta.mailauth.DkimKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "dkim", description = "DKIM signing keys: make one, and show the DNS records to publish.",
        subcommands = {DkimCommand.Generate.class, DkimCommand.List.class})
final class DkimCommand {

    @ParentCommand
    Main main;

    DkimKeys keys() {
        return new DkimKeys(main.config().server().dataDir());
    }

    /** Key type names on the command line. */
    enum Algorithm {
        ed25519(DkimAlgorithm.ED25519_SHA256), rsa(DkimAlgorithm.RSA_SHA256);

        final DkimAlgorithm algorithm;

        Algorithm(DkimAlgorithm algorithm) {
            this.algorithm = algorithm;
        }
    }

    @Command(name = "generate", description = "Create a signing key for a domain (stored 0600 under DATA/dkim) and print its DNS record.")
    static final class Generate implements Callable<Integer> {
        @ParentCommand
        DkimCommand parent;

        @Parameters(paramLabel = "DOMAIN")
        String domain;

        @Option(names = "--algorithm", defaultValue = "ed25519", description = "ed25519 (RFC 8463) or rsa (2048 bits); default ${DEFAULT-VALUE}.")
        Algorithm algorithm;

        @Option(names = "--selector", paramLabel = "S", description = "Selector name (default: the algorithm and today's date, e.g. ed2026a).")
        String selector;

        @Override
        public Integer call() throws Exception {
            String s = selector != null ? selector
                    : (algorithm == Algorithm.ed25519 ? "ed" : "rsa") + LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE);
            DkimKey key = parent.keys().generate(domain, algorithm.algorithm, s);
            System.out.println("created " + key.algorithmName() + " key " + key.selector() + " for " + key.domain() + "; publish:");
            System.out.println(key.zoneLine());
            return 0;
        }
    }

    @Command(name = "list", description = "Print the DNS TXT record of every key (all of a domain's keys sign: two during a rotation).")
    static final class List implements Callable<Integer> {
        @ParentCommand
        DkimCommand parent;

        @Override
        public Integer call() throws Exception {
            for (DkimKey key : parent.keys().all()) System.out.println(key.zoneLine());
            return 0;
        }
    }
}
