package org.estafeta.web;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.estafeta.net.Networks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web ports' PROXY protocol (v1 and v2, parsed by Jetty's {@link ProxyConnectionFactory}) with the
 * mail listeners' rule: taken only from the load balancers in net.proxy_from, and required from them.
 * Jetty's own factory takes a header from anyone and lets a connection without one through; so the
 * peer is looked at first, and anyone else goes straight to {@code next}, where a PROXY line is just a
 * bad request. The header's client then is the request's remote address for every rule by address.
 */
final class ProxiedConnections extends ProxyConnectionFactory {

    private static final Logger log = LoggerFactory.getLogger(ProxiedConnections.class);

    private final Networks proxyFrom;
    private final String next;

    /** {@code next}: the protocol after the header, "SSL" on the HTTPS port, "HTTP/1.1" on the plain one. */
    ProxiedConnections(String next, Networks proxyFrom) {
        super(next);
        this.next = next;
        this.proxyFrom = proxyFrom;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        if (endPoint.getRemoteSocketAddress() instanceof InetSocketAddress peer && proxyFrom.contains(peer.getAddress())) {
            return super.newConnection(connector, endPoint);
        }
        return connector.getConnectionFactory(next).newConnection(connector, endPoint);
    }

    /** Called when a load balancer's connection did not start with a PROXY header: it is required, so closed. */
    @Override
    protected void nextProtocol(Connector connector, EndPoint endPoint, ByteBuffer buffer) {
        log.warn("web: closed a connection from proxy {}: no PROXY header", endPoint.getRemoteSocketAddress());
        endPoint.close();
    }
}
