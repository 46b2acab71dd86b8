package io.github.unixhttp.connector.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.unixhttp.connector.UnixSocketCustomizer;
import io.github.unixhttp.connector.internal.http2.Http2Configurations;
import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.util.HostPort;

/**
 * Checks, at start, that each HTTP configuration a Unix socket connector serves is fit for it, and says what to
 * add when it is not. It changes nothing: a configuration may be shared with TCP connectors, and what it does
 * there is its owner's business.
 */
public final class HttpConfigurationCheck
{
    /** The protocol names of Jetty's HTTP connection factories (HTTP/1.x, HTTP/2 cleartext and over TLS). */
    private static final Set<String> HTTP_PROTOCOLS = Set.of("http/1.0", "http/1.1", "h2c", "h2");

    private static final HostPort LOCALHOST = new HostPort("localhost");

    private HttpConfigurationCheck()
    {
    }

    /**
     * @return a copy of {@code base} fit for Unix sockets (see {@code UnixSocketConnector.newHttpConfiguration}); base
     *         is left as it is
     */
    public static HttpConfiguration fitForUnixSockets(HttpConfiguration base)
    {
        HttpConfiguration fit = new HttpConfiguration(base);
        if (fit.getServerAuthority() == null)
            fit.setServerAuthority(LOCALHOST);
        List<HttpConfiguration.Customizer> customizers = new ArrayList<>(base.getCustomizers());
        if (base.getCustomizer(UnixSocketCustomizer.class) == null)
            customizers.add(0, new UnixSocketCustomizer());
        fit.setCustomizers(customizers);
        TrustedForwardedCustomizer.wrapPlainOnes(fit);
        return fit;
    }

    /**
     * @throws IllegalStateException naming the factory, what is missing or unsafe, and the line to add
     */
    public static void check(ConnectionFactory factory, Object connector)
    {
        HttpConfiguration configuration = configurationOf(factory, connector);
        if (configuration == null)
            return;
        if (configuration.getCustomizer(UnixSocketCustomizer.class) == null)
            throw new IllegalStateException("The HTTP configuration of " + factory + " on " + connector + " has no " +
                "UnixSocketCustomizer: requests would carry no peer credentials and a graceful stop could not tell busy " +
                "connections from idle ones (a plain HttpConnectionFactory gets a fit copy by itself; this kind of factory " +
                "cannot be copied). Add it: httpConfiguration.addCustomizer(new UnixSocketCustomizer()); it leaves " +
                "requests of other connectors alone. Or start from UnixSocketConnector.newHttpConfiguration()");
        refusePlainForwarded(configuration, factory, connector);
    }

    /**
     * @throws IllegalStateException if {@code configuration} has a plain {@link ForwardedRequestCustomizer}, which
     *         would believe forwarded headers from any local user
     */
    static void refusePlainForwarded(HttpConfiguration configuration, ConnectionFactory factory, Object connector)
    {
        for (HttpConfiguration.Customizer customizer : configuration.getCustomizers())
        {
            if (customizer instanceof ForwardedRequestCustomizer)
                throw new IllegalStateException("The HTTP configuration of " + factory + " on " + connector + " has a plain " +
                    "ForwardedRequestCustomizer, which would believe Forwarded and X-Forwarded-* headers from any local user. " +
                    "Wrap it: new TrustedForwardedCustomizer(forwarded) believes them only from the connector's trusted " +
                    "proxies, and from TCP connectors as the plain one does");
        }
    }

    /**
     * @return the HTTP configuration a factory serves requests with, or {@code null} if it serves no HTTP
     * @throws IllegalStateException for a factory that serves HTTP without showing its configuration (say, a wrapper
     *         that counts connections): peer credentials could not reach its requests nor could its forwarded headers
     *         be limited to trusted proxies, and nothing would say so. Fails closed.
     */
    public static HttpConfiguration configurationOf(ConnectionFactory factory, Object connector)
    {
        if (factory instanceof HttpConfiguration.ConnectionFactory http)
            return http.getHttpConfiguration();
        String httpProtocol = factory.getProtocols().stream()
            .filter(protocol -> HTTP_PROTOCOLS.contains(protocol.toLowerCase(Locale.ROOT)))
            .findFirst().orElse(null);
        if (httpProtocol == null)
            return null;
        // Jetty's HTTP/2 factories show their configuration without implementing the interface.
        HttpConfiguration http2 = httpProtocol.startsWith("h2") ? Http2Configurations.of(factory) : null;
        if (http2 != null)
            return http2;
        throw new IllegalStateException(factory + " serves " + httpProtocol + " on " + connector + " but is not an " +
            "HttpConfiguration.ConnectionFactory, so its HTTP configuration cannot be seen: peer credentials would " +
            "not reach its requests and its forwarded headers would be believed from anyone. Make the wrapping " +
            "factory implement HttpConfiguration.ConnectionFactory (returning the wrapped factory's configuration), " +
            "or use the HTTP connection factory itself");
    }
}
