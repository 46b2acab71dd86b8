package io.github.unixhttp.unit.internal.jetty;

import javax.net.ssl.SSLEngine;

import io.github.unixhttp.unit.UnixTls;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's client TLS over the socket: the {@link UnixTls}'s context, and its {@link UnixTls#serverName() server name}
 * wherever Jetty would use the URL's host (the engine's peer host: SNI and the certificate check).
 */
final class NamedServerSslContextFactory extends SslContextFactory.Client
{
    private final UnixTls tls;

    NamedServerSslContextFactory(UnixTls tls)
    {
        this.tls = tls;
        setSslContext(tls.context());
        setEndpointIdentificationAlgorithm("HTTPS");
    }

    @Override
    public SSLEngine newSSLEngine(String host, int port)
    {
        return super.newSSLEngine(tls.serverName(), port);
    }

    /** What Jetty asks for when the connection has no host, as over a Unix socket. */
    @Override
    public SSLEngine newSSLEngine()
    {
        return super.newSSLEngine(tls.serverName(), 443);
    }

    @Override
    public String toString()
    {
        return super.toString() + "[" + tls + "]";
    }
}
