package io.github.unixhttp.unit.apache;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.UnixClientOptions;
import io.github.unixhttp.unit.UnixEndpoint;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;

/**
 * Apache HttpClient 5 (classic) over a Unix socket. Every request goes to the endpoint, whatever its URL; write URLs
 * as {@code http://localhost/path}.
 *
 * <pre>{@code
 * try (CloseableHttpClient client = UnixHttpClients.create(UnixEndpoint.parse("/run/app.sock"))) {
 *     String body = client.execute(new HttpGet("http://localhost/status"), r -> EntityUtils.toString(r.getEntity()));
 * }
 * }</pre>
 *
 * Built on HttpClient's own {@code RequestConfig.Builder.setUnixDomainSocket}; the connection operator is ours so
 * that connect timeouts are honoured, the server identity can be checked, and abstract names can be reached.
 *
 * <p><b>Fails closed.</b> The client never opens a TCP connection: the connection operator takes every connect to
 * the endpoint, so a default or per-request {@code RequestConfig} of the application's own (without the socket), a
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

    /** A ready client with default options. */
    public static CloseableHttpClient create(UnixEndpoint endpoint)
    {
        return custom(endpoint, UnixClientOptions.defaults()).build();
    }

    /** A builder to customize further: everything HttpClient offers, with the Unix parts already set. */
    public static HttpClientBuilder custom(UnixEndpoint endpoint, UnixClientOptions options)
    {
        return HttpClients.custom()
            .setConnectionManager(new UnixConnectionManagerBuilder(endpoint, options)
                .setMaxConnTotal(options.maxConnections())
                .setMaxConnPerRoute(options.maxConnections())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                    .setConnectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .build())
                .build())
            .setDefaultRequestConfig(RequestConfig.custom().setUnixDomainSocket(socketPathOf(endpoint)).build())
            .addExecInterceptorBefore(ChainElement.CONNECT.name(), UnixRoutes.NAME, new UnixRoutes(endpoint))
            .setRedirectStrategy(SameSocketRedirects.INSTANCE)
            .setRetryStrategy(RefusalsAreFinal.DEFAULT);
    }

    /** HttpClient routes carry a path: an abstract name travels as {@code @name}, which only our operator reads. */
    static Path socketPathOf(UnixEndpoint endpoint)
    {
        return endpoint.isAbstract() ? Path.of("@" + endpoint.abstractName()) : endpoint.path();
    }

    private static final class UnixConnectionManagerBuilder extends PoolingHttpClientConnectionManagerBuilder
    {
        private final UnixEndpoint endpoint;
        private final UnixClientOptions options;

        UnixConnectionManagerBuilder(UnixEndpoint endpoint, UnixClientOptions options)
        {
            this.endpoint = endpoint;
            this.options = options;
        }

        @Override
        protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver schemePortResolver, DnsResolver dnsResolver,
                                                                        TlsSocketStrategy tlsSocketStrategy)
        {
            return new UnixConnectionOperator(endpoint, super.createConnectionOperator(schemePortResolver, dnsResolver, tlsSocketStrategy),
                options.serverIdentity());
        }
    }
}
