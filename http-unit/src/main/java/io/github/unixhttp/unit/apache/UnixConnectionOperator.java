package io.github.unixhttp.unit.apache;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixConnector;
import io.github.unixhttp.unit.UnixEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Connects routes that carry a Unix socket ({@code RequestConfig.Builder.setUnixDomainSocket}) with
 * {@link UnixConnector}: the connect timeout is honoured (HttpClient's own JDK adapter blocks without one) and the
 * server's identity is checked before the connection is handed to HttpClient. Other routes go to HttpClient's
 * own operator. An abstract endpoint is written as the path {@code @name}.
 */
final class UnixConnectionOperator implements HttpClientConnectionOperator
{
    private final HttpClientConnectionOperator tcp;
    private final ServerIdentityCheck identity;

    UnixConnectionOperator(HttpClientConnectionOperator tcp, ServerIdentityCheck identity)
    {
        this.tcp = tcp;
        this.identity = identity;
    }

    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, Path unixDomainSocket,
                        InetSocketAddress localAddress, Timeout connectTimeout, SocketConfig socketConfig, Object attachment,
                        HttpContext context) throws IOException
    {
        if (unixDomainSocket == null)
        {
            tcp.connect(connection, host, endpointName, null, localAddress, connectTimeout, socketConfig, attachment, context);
            return;
        }
        UnixEndpoint endpoint = UnixEndpoint.parse(unixDomainSocket.toString());
        Duration timeout = connectTimeout == null || connectTimeout.isDisabled() ? Duration.ZERO : Duration.ofMillis(connectTimeout.toMilliseconds());
        ChannelSocket socket = new ChannelSocket(UnixConnector.connect(endpoint, timeout, identity));
        if (socketConfig != null && socketConfig.getSoTimeout() != null && socketConfig.getSoTimeout().isEnabled())
            socket.setSoTimeout(socketConfig.getSoTimeout().toMillisecondsIntBound());
        connection.bind(socket);
    }

    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, InetSocketAddress localAddress,
                        Timeout connectTimeout, SocketConfig socketConfig, Object attachment, HttpContext context) throws IOException
    {
        tcp.connect(connection, host, endpointName, localAddress, connectTimeout, socketConfig, attachment, context);
    }

    @Override
    public void connect(ManagedHttpClientConnection connection, HttpHost host, InetSocketAddress localAddress, TimeValue connectTimeout,
                        SocketConfig socketConfig, HttpContext context) throws IOException
    {
        tcp.connect(connection, host, localAddress, connectTimeout, socketConfig, context);
    }

    @Override
    public void upgrade(ManagedHttpClientConnection connection, HttpHost host, HttpContext context) throws IOException
    {
        tcp.upgrade(connection, host, context);
    }

    @Override
    public void upgrade(ManagedHttpClientConnection connection, HttpHost host, NamedEndpoint endpointName, Object attachment,
                        HttpContext context) throws IOException
    {
        tcp.upgrade(connection, host, endpointName, attachment, context);
    }
}
