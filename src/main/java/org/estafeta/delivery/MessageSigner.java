package org.estafeta.delivery;

import java.io.IOException;
import java.io.InputStream;

/**
 * Signs what a logged-in user sends (DKIM, RFC 6376), run by the pipeline once per submitted message
 * on the content as it will be stored and relayed.
 */
public interface MessageSigner {

    /** Complete header fields with their CRLF to put on top of the message; "" when nothing signs for it. */
    String sign(InputStream message) throws IOException;
}
