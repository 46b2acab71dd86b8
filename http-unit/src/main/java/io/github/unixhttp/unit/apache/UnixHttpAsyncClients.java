package io.github.unixhttp.unit.apache;

import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixEndpoint;
import io.github.unixhttp.unit.UnixRouteException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.nio.AsyncClientConnectionOperator;
import org.apache.hc.client5.http.nio.ManagedAsyncClientConnection;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.util.Timeout;

/**
 * Apache HttpClient 5 (async) over a Unix socket file, on HttpClient's own
 * {@code RequestConfig.Builder.setUnixDomainSocket}; the server identity check runs on each new connection before
 * any request byte leaves, and a connect the server's full backlog refuses is retried until the connect timeout.
 * Start the client before use, as any async client.
 *
 * <p><b>Fails closed</b>, as {@link UnixHttpClients} does: every connection goes to the endpoint, whatever the
 * request's URL or {@code RequestConfig} (the connection operator puts the socket on every connect, and the I/O
 * reactor is handed only connects to it); a proxy, another socket or TLS ({@code https}) fails with
 * {@link io.github.unixhttp.unit.UnixRouteException} before any connection is made. A refusal is final: it is not
 * retried ({@link RefusalsAreFinal}; keep it when you set a retry strategy of your own).</p>
 *
 * <p>Abstract names are not supported here: the async client's I/O reactor registers the JDK's channels with the
 * JDK's selectors, and the JDK cannot reach abstract names. Use {@link UnixHttpClients} or the Jetty client for those.</p>
 */
public final class UnixHttpAsyncClients
{
    private UnixHttpAsyncClients()
    {
    }

    /** A ready (not yet started) client with default options. */
    public static CloseableHttpAsyncClient create(UnixEndpoint endpoint)
    {
        return custom(endpoint, UnixClientOptions.defaults()).build();
    }

    /**
     * @throws UnsupportedOperationException for an abstract name, saying which client to use instead
     */
    public static HttpAsyncClientBuilder custom(UnixEndpoint endpoint, UnixClientOptions options)
    {
        if (endpoint.isAbstract())
            throw new UnsupportedOperationException("The async HttpClient cannot reach the abstract name " + endpoint +
                ": its I/O reactor takes only the JDK's channels, which refuse abstract names. Use UnixHttpClients " +
                "(classic) or JettyUnixClients for abstract names, or listen on a socket file");
        Timeout connectTimeout = Timeout.of(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        return HttpAsyncClients.custom()
            .setConnectionManager(new UnixAsyncConnectionManagerBuilder(endpoint, options)
                .setMaxConnTotal(options.maxConnections())
                .setMaxConnPerRoute(options.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connectTimeout).build())
                .build())
            .setDefaultRequestConfig(RequestConfig.custom().setUnixDomainSocket(endpoint.path()).build())
            .addExecInterceptorBefore(ChainElement.CONNECT.name(), UnixRoutes.NAME, new UnixRoutes(endpoint))
            .setRedirectStrategy(SameSocketRedirects.INSTANCE)
            .setRetryStrategy(RefusalsAreFinal.DEFAULT);
    }

    private static final class UnixAsyncConnectionManagerBuilder extends PoolingAsyncClientConnectionManagerBuilder
    {
        private final UnixEndpoint endpoint;
        private final UnixClientOptions options;

        UnixAsyncConnectionManagerBuilder(UnixEndpoint endpoint, UnixClientOptions options)
        {
            this.endpoint = endpoint;
            this.options = options;
        }

        @Override
        protected AsyncClientConnectionOperator createConnectionOperator(TlsStrategy tlsStrategy, SchemePortResolver schemePortResolver,
                                                                         DnsResolver dnsResolver)
        {
            return new UnixOperator(super.createConnectionOperator(tlsStrategy, schemePortResolver, dnsResolver), endpoint, options);
        }
    }

    /**
     * Puts the endpoint's socket on every connect HttpClient's operator makes (a route without one would go over
     * TCP), refuses a route naming another socket, and hands the operator a connection initiator that takes only
     * connects to the socket, checks the server's identity, and retries while the server's backlog is full.
     */
    private record UnixOperator(AsyncClientConnectionOperator operator, UnixEndpoint endpoint, UnixClientOptions options)
        implements AsyncClientConnectionOperator
    {
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
                UnixRoutes.requireOwnSocket(endpoint, unixDomainSocket);
            }
            catch (UnixRouteException refused)
            {
                BasicFuture<ManagedAsyncClientConnection> failed = new BasicFuture<>(callback);
                failed.failed(refused);
                return failed;
            }
            return operator.connect(unix(initiator), host, endpoint.path(), endpointName, null, connectTimeout, attachment,
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
            ConnectionInitiator retrying = new RetryingInitiator(reactor);
            ConnectionInitiator checked = options.serverIdentity().isNone() ? retrying :
                new IdentityCheckingInitiator(retrying, options.serverIdentity());
            return new SocketOnlyInitiator(checked, endpoint.path());
        }
    }
}
