/**
 * What every listener shares: the accept loop ({@link org.estafeta.net.Listener}, one virtual thread
 * per connection), the line discipline and deadlines ({@link org.estafeta.net.Connection},
 * {@link org.estafeta.net.Deadlines}), the connection limits, and the PROXY protocol
 * ({@link org.estafeta.net.ProxyHeader}).
 *
 * <p>Invariant: a connection's client address ({@code Connection.remoteAddress()}) is the one every rule
 * by address, log line and Received header uses. It is the socket's peer, except from a load balancer
 * in {@code net.proxy_from}, where it is the client named by the PROXY header that such a connection
 * must begin with; nobody else can name a client.
 */
package org.estafeta.net;
