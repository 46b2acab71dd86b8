package io.github.unixhttp.connector.internal.http2;

import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * The HTTP configuration of Jetty's HTTP/2 server factories ({@code h2c}, {@code h2}), which have one but do not
 * implement {@link HttpConfiguration.ConnectionFactory}. A package of its own so that jetty-http2-server, an optional
 * dependency, is loaded only when a factory that speaks HTTP/2 is in use (and then it is on the class path).
 */
public final class Http2Configurations
{
    private Http2Configurations()
    {
    }

    /**
     * @return the factory's configuration, or {@code null} if it is not one of Jetty's HTTP/2 server factories
     */
    public static HttpConfiguration of(ConnectionFactory factory)
    {
        return factory instanceof AbstractHTTP2ServerConnectionFactory http2 ? http2.getHttpConfiguration() : null;
    }
}
