package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.UnixTls;
import io.github.unixhttp.unit.internal.UnixDialer;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The only way the classic client opens connections: every connect goes to the client's own address with
 * {@link UnixDialer} (the connect timeout is honoured, the server's identity checked before the connection is
 * handed to HttpClient), whatever route asked for it. A route without a socket (a request whose
 * {@code RequestConfig} lacks one) still goes to the address, never over TCP; a route naming another socket is
 * refused. A route to an abstract name carries no socket: HttpClient's routes hold only paths. An {@code https}
 * route (admitted by {@link UnixRoutes} only when the client has {@link UnixTls}) gets TLS over the socket, the
 * server's certificate checked against the name the options give, within the connect timeout.
 */
final class UnixConnectionOperator implements HttpClientConnectionOperator
{
    private final UnixSocketAddress address;
    private final HttpClientConnectionOperator tls;
    private final ServerIdentityCheck identity;
    private final UnixTls overSocket;

    /**
     * @param tls HttpClient's own operator, used only to layer TLS over a connection already made here
     * @param overSocket TLS for {@code https} routes, or {@code null}
     */
    UnixConnectionOperator(UnixSocketAddress address, HttpClientConnectionOperator tls, ServerIdentityCheck identity, UnixTls overSocket)
    {
        this.address = UnixDialer.requireConnectable(address);
        this.tls = tls;
        this.identity = identity;
        this.overSocket = overSocket;
    }

    /**
     * @throws io.github.unixhttp.unit.UnixRouteException if the route names another socket
     */
    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, Path unixDomainSocket,
                        InetSocketAddress localAddress, Timeout connectTimeout, SocketConfig socketConfig, Object attachment,
                        HttpContext context) throws IOException
    {
        UnixRoutes.requireOwnSocket(address, unixDomainSocket);
        Duration timeout = connectTimeout == null || connectTimeout.isDisabled() ? Duration.ZERO : Duration.ofMillis(connectTimeout.toMilliseconds());
        Socket socket = new ChannelSocket(UnixDialer.connect(address, timeout, identity));
        if (socketConfig != null && socketConfig.getSoTimeout() != null && socketConfig.getSoTimeout().isEnabled())
            socket.setSoTimeout(socketConfig.getSoTimeout().toMillisecondsIntBound());
        if (host != null && URIScheme.HTTPS.same(host.getSchemeName()))
        {
            if (overSocket == null)
            {
                socket.close();
                throw new UnixRouteException("Refusing TLS to " + host + " over unix:" + address + ": this client was given no UnixTls");
            }
            socket = overSocket.handshake(socket, timeout);
        }
        connection.bind(socket);
    }

    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, InetSocketAddress localAddress,
                        Timeout connectTimeout, SocketConfig socketConfig, Object attachment, HttpContext context) throws IOException
    {
        connect(connection, host, endpointName, null, localAddress, connectTimeout, socketConfig, attachment, context);
    }

    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, InetSocketAddress localAddress, TimeValue connectTimeout,
                        SocketConfig socketConfig, HttpContext context) throws IOException
    {
        Timeout timeout = connectTimeout == null ? null : Timeout.of(connectTimeout.getDuration(), connectTimeout.getTimeUnit());
        connect(connection, host, null, null, localAddress, timeout, socketConfig, null, context);
    }

    @Override
    public void upgrade(ManagedHttpClientConnection connection, HttpHost host, HttpContext context) throws IOException
    {
        tls.upgrade(connection, host, context);
    }

    @Override
    public void upgrade(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, Object attachment,
                        HttpContext context) throws IOException
    {
        tls.upgrade(connection, host, endpointName, attachment, context);
    }
}
