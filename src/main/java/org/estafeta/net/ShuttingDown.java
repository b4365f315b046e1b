package org.estafeta.net;

import java.io.IOException;

/**
 * The server is shutting down: instead of a next command, {@link Connection#readCommand} throws this,
 * after the session's goodbye ({@link Connection#onShutdown}) has been said. A session ends on it as
 * on a disconnect, with nothing more to write.
 */
public final class ShuttingDown extends IOException {

    public ShuttingDown() {
        super("server shutting down");
    }
}
