package org.estafeta.net;

import java.net.InetAddress;
import java.util.List;
import org.estafeta.config.Cidr;

/**
 * The clients every protocol trusts a little more ({@code smtp.relay_networks}, default loopback; one
 * setting for all protocols, see DESIGN.md): they may send a password before TLS, and SMTP lets them
 * relay and end DATA with LF.LF. Emptied, even loopback must use TLS first.
 */
public record TrustedNetworks(List<Cidr> networks) {

    public TrustedNetworks {
        networks = List.copyOf(networks);
    }

    public boolean contains(InetAddress address) {
        for (Cidr n : networks) if (n.contains(address)) return true;
        return false;
    }
}
