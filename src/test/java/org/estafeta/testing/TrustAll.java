package org.estafeta.testing;

import javax.net.ssl.SSLContext;
import org.estafeta.tls.TlsContexts;

/** Client TLS that accepts the test server's self-signed certificate (the one outbound SMTP uses too). */
public final class TrustAll {

    private TrustAll() {
    }

    public static SSLContext context() {
        return TlsContexts.opportunisticClient();
    }
}
