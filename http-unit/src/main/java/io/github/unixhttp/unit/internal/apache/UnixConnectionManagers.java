package io.github.unixhttp.unit.internal.apache;

import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixClientOptions;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SchemePortResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.HttpClientConnectionOperator;
import org.apache.hc.client5.http.nio.AsyncClientConnectionOperator;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.util.Timeout;

/**
 * The connection managers of the Apache clients: HttpClient's pooling managers, sized by the options, whose
 * connection operator is ours (every connect goes to the client's address, with the connect retry and the server
 * identity check).
 */
public final class UnixConnectionManagers
{
    private UnixConnectionManagers()
    {
    }

    /**
     * @return the classic client's manager, for a socket file or an abstract name
     */
    public static PoolingHttpClientConnectionManager classic(UnixSocketAddress address, UnixClientOptions options)
    {
        return new PoolingHttpClientConnectionManagerBuilder()
        {
            @Override
            protected HttpClientConnectionOperator createConnectionOperator(SchemePortResolver schemePortResolver, DnsResolver dnsResolver,
                                                                            TlsSocketStrategy tlsSocketStrategy)
            {
                return new UnixConnectionOperator(address, super.createConnectionOperator(schemePortResolver, dnsResolver,
                    tlsSocketStrategy), options.serverIdentityFor(address), options.tls());
            }
        }
            .setMaxConnTotal(options.maxConnections())
            .setMaxConnPerRoute(options.maxConnections())
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .build())
            .build();
    }

    /**
     * @return the async client's manager, for a socket file
     */
    public static PoolingAsyncClientConnectionManager async(UnixSocketAddress address, UnixClientOptions options)
    {
        HttpClientVersion.requireAsyncUnixSockets();
        return new PoolingAsyncClientConnectionManagerBuilder()
        {
            @Override
            protected AsyncClientConnectionOperator createConnectionOperator(TlsStrategy tlsStrategy, SchemePortResolver schemePortResolver,
                                                                             DnsResolver dnsResolver)
            {
                // With TLS, HttpClient's own operator runs it on the socket's connection, for the name the options give.
                TlsStrategy overSocket = options.tls() == null ? tlsStrategy : new NamedServerTlsStrategy(options.tls());
                return new UnixAsyncConnectionOperator(super.createConnectionOperator(overSocket, schemePortResolver, dnsResolver),
                    address, options.serverIdentityFor(address));
            }
        }
            // No DNS: before httpclient5 5.6 the operator resolves the URL's host, whose address is never used.
            .setDnsResolver(NoDns.INSTANCE)
            .setMaxConnTotal(options.maxConnections())
            .setMaxConnPerRoute(options.maxConnections())
            .setDefaultConnectionConfig(ConnectionConfig.custom()
                .setConnectTimeout(Timeout.of(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .build())
            .build();
    }

    /** Every host is the loopback address, which nothing connects to: the connection layer connects to the socket. */
    private enum NoDns implements DnsResolver
    {
        INSTANCE;

        @Override
        public java.net.InetAddress[] resolve(String host)
        {
            return new java.net.InetAddress[]{java.net.InetAddress.getLoopbackAddress()};
        }

        @Override
        public String resolveCanonicalHostname(String host)
        {
            return host;
        }
    }
}
