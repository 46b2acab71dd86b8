package io.github.unixhttp.unit.internal.apache;

import java.net.SocketAddress;

import io.github.unixhttp.unit.UnixTls;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.URIScheme;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * The async client's TLS over the socket: HttpClient's own strategy on the {@link UnixTls}'s context, told the
 * {@link UnixTls#serverName() server name} wherever HttpClient would give it the URL's host, so that SNI and the
 * certificate check are for that name.
 */
final class NamedServerTlsStrategy implements TlsStrategy
{
    private final HttpHost server;
    private final DefaultClientTlsStrategy strategy;

    NamedServerTlsStrategy(UnixTls tls)
    {
        this.server = new HttpHost(URIScheme.HTTPS.id, tls.serverName(), 443);
        this.strategy = new DefaultClientTlsStrategy(tls.context());
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean upgrade(TransportSecurityLayer sessionLayer, HttpHost host, SocketAddress localAddress, SocketAddress remoteAddress,
                           Object attachment, Timeout handshakeTimeout)
    {
        return strategy.upgrade(sessionLayer, server, localAddress, remoteAddress, attachment, handshakeTimeout);
    }

    @Override
    public void upgrade(TransportSecurityLayer sessionLayer, NamedEndpoint endpoint, Object attachment, Timeout handshakeTimeout,
                        FutureCallback<TransportSecurityLayer> callback)
    {
        strategy.upgrade(sessionLayer, server, attachment, handshakeTimeout, callback);
    }
}
