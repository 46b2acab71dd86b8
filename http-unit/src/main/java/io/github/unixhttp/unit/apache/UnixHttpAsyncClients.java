package io.github.unixhttp.unit.apache;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.internal.UnixDialer;
import io.github.unixhttp.unit.internal.apache.SameSocketRedirects;
import io.github.unixhttp.unit.internal.apache.UnixConnectionManagers;
import io.github.unixhttp.unit.internal.apache.UnixRoutes;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;

/**
 * Apache HttpClient 5 (async) over a Unix socket file, on HttpClient's own
 * {@code RequestConfig.Builder.setUnixDomainSocket}; the server identity check runs on each new connection before
 * any request byte leaves, and a connect the server's full backlog refuses is retried until the connect timeout.
 * Start the client before use, as any async client.
 *
 * <pre>{@code
 * CloseableHttpAsyncClient client = UnixHttpAsyncClients.create(UnixSocketAddress.parse("/run/app.sock"));
 * client.start();
 * }</pre>
 *
 * <p><b>Fails closed</b>, as {@link UnixHttpClients} does: every connection goes to the address, whatever the
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

    /**
     * A ready (not yet started) client with default options.
     *
     * @throws UnsupportedOperationException for an abstract name, saying which client to use instead
     * @throws IllegalArgumentException      for an inherited socket, saying what to pass instead
     * @throws IllegalStateException         where httpcore5 is older than 5.4 (Spring Boot 4.0 manages 5.3), whose I/O
     *                                       reactor cannot open Unix sockets, naming the versions to set
     */
    public static CloseableHttpAsyncClient create(UnixSocketAddress address)
    {
        return custom(address, UnixClientOptions.defaults()).build();
    }

    /**
     * @throws UnsupportedOperationException for an abstract name, saying which client to use instead
     * @throws IllegalArgumentException      for an inherited socket, saying what to pass instead
     * @throws IllegalStateException         where httpcore5 is older than 5.4 (Spring Boot 4.0 manages 5.3), whose I/O
     *                                       reactor cannot open Unix sockets, naming the versions to set
     */
    public static HttpAsyncClientBuilder custom(UnixSocketAddress address, UnixClientOptions options)
    {
        UnixDialer.requireConnectable(address);
        if (address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME)
            throw new UnsupportedOperationException("The async HttpClient cannot reach the abstract name " + address +
                ": its I/O reactor takes only the JDK's channels, which refuse abstract names. Use UnixHttpClients " +
                "(classic) or JettyUnixClients for abstract names, or listen on a socket file");
        return HttpAsyncClients.custom()
            .setConnectionManager(UnixConnectionManagers.async(address, options))
            .setDefaultRequestConfig(UnixRoutes.defaultRequestConfig(address.path()))
            .addExecInterceptorBefore(ChainElement.CONNECT.name(), UnixRoutes.NAME, new UnixRoutes(address, options.tls()))
            .setRedirectStrategy(SameSocketRedirects.INSTANCE)
            .setRetryStrategy(RefusalsAreFinal.DEFAULT);
    }
}
