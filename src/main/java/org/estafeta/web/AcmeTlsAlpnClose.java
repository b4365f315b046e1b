package org.estafeta.web;

import javax.net.ssl.SSLEngine;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.estafeta.tls.TlsAlpnChallenges;

/**
 * The HTTPS port's TLS layer (HTTP/1.1 after it), which ends a TLS-ALPN-01 validation handshake as
 * soon as it is done: RFC 8737 §3 has no data follow it, so the connection is closed (with
 * close_notify) rather than left to wait for an HTTP request that never comes.
 */
final class AcmeTlsAlpnClose extends SslConnectionFactory {

    AcmeTlsAlpnClose(SslContextFactory.Server ssl) {
        super(ssl, "http/1.1");
    }

    @Override
    protected SslConnection newSslConnection(Connector connector, EndPoint endPoint, SSLEngine engine) {
        SslConnection configured = super.newSslConnection(connector, endPoint, engine);
        configured.addHandshakeListener(new SslHandshakeListener() {
            @Override
            public void handshakeSucceeded(Event event) {
                SSLEngine engine = event.getSSLEngine();
                if (TlsAlpnChallenges.PROTOCOL.equals(engine.getApplicationProtocol())) configured.getSslEndPoint().close();
            }
        });
        return configured;
    }
}
