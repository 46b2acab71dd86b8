package io.github.unixhttp.unit.internal.apache;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Future;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixRouteException;
import org.apache.hc.client5.http.nio.AsyncClientConnectionOperator;
import org.apache.hc.client5.http.nio.ManagedAsyncClientConnection;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.util.Timeout;

/**
 * The async client's connection operator: puts the client's socket file on every connect HttpClient's own operator
 * makes (a route without one would go over TCP), refuses a route naming another socket, and hands that operator a
 * connection initiator ({@link UnixSocketInitiator}) that takes only connects to the socket, checks the server's
 * identity, and retries while the server's backlog is full.
 */
final class UnixAsyncConnectionOperator implements AsyncClientConnectionOperator
{
    private final AsyncClientConnectionOperator operator;
    private final UnixSocketAddress address;
    private final ServerIdentityCheck identity;

    /**
     * @param operator HttpClient's own operator, which makes the connections on the initiators given here
     * @param address  a socket file: the async client cannot reach abstract names
     */
    UnixAsyncConnectionOperator(AsyncClientConnectionOperator operator, UnixSocketAddress address, ServerIdentityCheck identity)
    {
        if (address.kind() != UnixSocketAddress.Kind.PATH)
            throw new IllegalArgumentException("The async client connects to socket files only, not to " + address);
        this.operator = operator;
        this.address = address;
        this.identity = identity;
    }

    @Override
    public Future<ManagedAsyncClientConnection> connect(ConnectionInitiator initiator, HttpHost host, SocketAddress localAddress,
                                                        Timeout connectTimeout, Object attachment,
                                                        FutureCallback<ManagedAsyncClientConnection> callback)
    {
        return connect(initiator, host, null, null, localAddress, connectTimeout, attachment, null, callback);
    }

    @Override
    public Future<ManagedAsyncClientConnection> connect(ConnectionInitiator initiator, HttpHost host, NamedEndpoint endpointName,
                                                        SocketAddress localAddress, Timeout connectTimeout, Object attachment,
                                                        HttpContext context, FutureCallback<ManagedAsyncClientConnection> callback)
    {
        if (!HttpClientVersion.ROUTES_NAME_SOCKETS)
        {
            // httpclient5 before 5.6: its operator connects to the host's address, which the initiator given here
            // replaces with the socket (resolved by the manager's resolver, which asks no DNS).
            return operator.connect(unix(initiator), host, endpointName, null, connectTimeout, attachment, context, callback);
        }
        return connect(initiator, host, null, endpointName, localAddress, connectTimeout, attachment, context, callback);
    }

    /** A Unix client socket is not bound: a local address a route may carry is left out. */
    @Override
    public Future<ManagedAsyncClientConnection> connect(ConnectionInitiator initiator, HttpHost host, Path unixDomainSocket,
                                                        NamedEndpoint endpointName, SocketAddress localAddress, Timeout connectTimeout,
                                                        Object attachment, HttpContext context,
                                                        FutureCallback<ManagedAsyncClientConnection> callback)
    {
        try
        {
            UnixRoutes.requireOwnSocket(address, unixDomainSocket);
        }
        catch (UnixRouteException refused)
        {
            BasicFuture<ManagedAsyncClientConnection> failed = new BasicFuture<>(callback);
            failed.failed(refused);
            return failed;
        }
        return operator.connect(unix(initiator), host, address.path(), endpointName, null, connectTimeout, attachment,
            context, callback);
    }

    @Override
    public void upgrade(ManagedAsyncClientConnection connection, HttpHost host, Object attachment)
    {
        operator.upgrade(connection, host, attachment);
    }

    @Override
    public void upgrade(ManagedAsyncClientConnection connection, HttpHost host, NamedEndpoint endpointName, Object attachment,
                        HttpContext context, FutureCallback<ManagedAsyncClientConnection> callback)
    {
        operator.upgrade(connection, host, endpointName, attachment, context, callback);
    }

    private ConnectionInitiator unix(ConnectionInitiator reactor)
    {
        return new UnixSocketInitiator(reactor, address, identity);
    }
}
