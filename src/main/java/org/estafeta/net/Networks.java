package org.estafeta.net;

import java.net.InetAddress;
import java.util.List;
import org.estafeta.config.Cidr;

/**
 * A set of client networks (CIDR) that a setting grants something to: {@code net.lenient_networks}
 * (every protocol: a person typing may use bare LF, end DATA with LF.LF, give bare local parts and
 * log in before TLS) or {@code smtp.relay_networks} (SMTP relay without AUTH). The two are apart so
 * that a lab subnet can type leniently without becoming an open relay. Empty, nobody is in it.
 */
public record Networks(List<Cidr> networks) {

    public Networks {
        networks = List.copyOf(networks);
    }

    public boolean contains(InetAddress address) {
        for (Cidr n : networks) if (n.contains(address)) return true;
        return false;
    }
}
