package org.estafeta.cli;

import java.util.concurrent.Callable;
import org.estafeta.admin.DnsRecords;
import org.estafeta.config.Config;
import org.estafeta.dns.Dns;
import org.estafeta.mailauth.DkimKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "dns", description = "The DNS records to publish for a domain (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, SRV, autoconfig), "
        + "each checked through the resolver (dns.servers): ok, missing or different. Exit code 1 when any is not ok.")
final class DnsCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Parameters(paramLabel = "DOMAIN")
    String domain;

    @Option(names = "--port-offset", paramLabel = "N", description = "The port offset the server runs with, for the SRV records (as for serve).")
    Integer portOffset;

    @Option(names = "--standard-ports", description = "The server runs on the standard ports (as for serve).")
    boolean standardPorts;

    @Option(names = "--no-check", description = "Only print the records, without asking the DNS.")
    boolean noCheck;

    @Override
    public Integer call() throws Exception {
        Config config = main.config(standardPorts ? 0 : portOffset != null ? portOffset : org.estafeta.config.ConfigLoader.DEFAULT_PORT_OFFSET);
        DnsRecords records = new DnsRecords(config, config.ports(), new DkimKeys(config.server().dataDir()),
                new Dns(config.queue().dnsServers(), config.mailAuth().dnsTimeout()));
        System.out.println("; DNS records for " + domain + " (mail server " + config.server().hostname() + ")");
        if (noCheck) {
            for (DnsRecords.Wanted w : records.wanted(domain)) System.out.println(w.zoneLine());
            return 0;
        }
        boolean allOk = true;
        for (DnsRecords.Checked c : records.check(domain)) {
            String line = String.format("%-9s %s", c.state().word(), c.wanted().zoneLine());
            if (c.state() == DnsRecords.State.DIFFERENT) line += "    ; published: " + String.join(" | ", c.published());
            System.out.println(line);
            allOk &= c.state() == DnsRecords.State.OK;
        }
        return allOk ? 0 : 1;
    }
}
