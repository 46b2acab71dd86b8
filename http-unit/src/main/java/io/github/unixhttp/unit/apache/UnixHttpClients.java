package io.github.unixhttp.unit.apache;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.internal.UnixDialer;
import io.github.unixhttp.unit.internal.apache.SameSocketRedirects;
import io.github.unixhttp.unit.internal.apache.UnixConnectionManagers;
import io.github.unixhttp.unit.internal.apache.UnixRoutes;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;

/**
 * Apache HttpClient 5 (classic) over a Unix socket: a socket file or a Linux abstract name. Every request goes to
 * the address, whatever its URL; write URLs as {@code http://localhost/path}.
 *
 * <pre>{@code
 * try (CloseableHttpClient client = UnixHttpClients.create(UnixSocketAddress.parse("/run/app.sock"))) {
 *     String body = client.execute(new HttpGet("http://localhost/status"), r -> EntityUtils.toString(r.getEntity()));
 * }
 * }</pre>
 *
 * Built on HttpClient's own {@code RequestConfig.Builder.setUnixDomainSocket} (httpclient5 5.6+; on 5.5, which
 * Spring Boot 4.0 manages, without it); the connection operator is ours so that connect timeouts are honoured, the
 * server identity can be checked, and abstract names can be reached.
 *
 * <p><b>Fails closed.</b> The client never opens a TCP connection: the connection operator takes every connect to
 * the address, so a default or per-request {@code RequestConfig} of the application's own (without the socket), a
 * URL naming another host or port, or a redirect still go over the socket. A request that asks for what the socket
 * cannot give, a proxy, another socket or TLS ({@code https}), fails with {@link io.github.unixhttp.unit.UnixRouteException}
 * before any connection is made. (Replacing the connection manager replaces all of this.)</p>
 *
 * <p>A refusal is final: a request the server identity check or the route check refused is not retried
 * ({@link RefusalsAreFinal}; keep it when you set a retry strategy of your own).</p>
 */
public final class UnixHttpClients
{
    private UnixHttpClients()
    {
    }

    /**
     * A ready client with default options.
     *
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, which a
     *                                  client cannot connect to: give it the path the supervisor bound
     */
    public static CloseableHttpClient create(UnixSocketAddress address)
    {
        return custom(address, UnixClientOptions.defaults()).build();
    }

    /**
     * A builder to customize further: everything HttpClient offers, with the Unix parts already set.
     *
     * @throws IllegalArgumentException for an {@linkplain UnixSocketAddress#inherited() inherited} socket, which a
     *                                  client cannot connect to: give it the path the supervisor bound
     */
    public static HttpClientBuilder custom(UnixSocketAddress address, UnixClientOptions options)
    {
        UnixDialer.requireConnectable(address);
        return HttpClients.custom()
            .setConnectionManager(UnixConnectionManagers.classic(address, options))
            .setDefaultRequestConfig(UnixRoutes.defaultRequestConfig(UnixRoutes.routeSocketOf(address)))
            .addExecInterceptorBefore(ChainElement.CONNECT.name(), UnixRoutes.NAME, new UnixRoutes(address, options.tls()))
            .setRedirectStrategy(SameSocketRedirects.INSTANCE)
            .setRetryStrategy(RefusalsAreFinal.DEFAULT);
    }
}
