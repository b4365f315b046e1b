package org.estafeta.net;

/**
 * Where one connection's dialogue goes, line by line, once its {@link Wiretap} has masked and shortened
 * it. Implemented outside this package (the live session traces in {@code events}).
 */
public interface Trace {

    enum Kind {
        /** A line from the client ({@code C:}). */
        CLIENT,
        /** A line from the server ({@code S:}). */
        SERVER,
        /** The TLS handshake done: protocol version and cipher suite. */
        TLS
    }

    /**
     * Whether anybody may be watching now. When false the tap builds no text at all: the cost of the
     * trace for a session nobody watches is this one volatile read per line.
     */
    boolean watched();

    void line(Kind kind, String text);

    /** The session has logged in as {@code address}: from now on its owner may watch it. */
    void user(String address);

    /** The connection has closed. */
    void closed();

    /** Opens a {@link Trace} per connection: the listeners' side of the live session traces. */
    interface Tap {
        Trace open(String protocol, Connection connection);

        /** No trace at all (tests that build a connection by hand, tools). */
        Tap NONE = (protocol, connection) -> Off.OFF;
    }

    /** Nobody ever watches. */
    enum Off implements Trace {
        OFF;

        @Override
        public boolean watched() {
            return false;
        }

        @Override
        public void line(Kind kind, String text) {
        }

        @Override
        public void user(String address) {
        }

        @Override
        public void closed() {
        }
    }
}
