package io.github.unixhttp.connector.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.unixhttp.connector.UnixSocketCustomizer;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * The connection factories a connector serves with, from those it was given: each as it is, but for a plain
 * {@link HttpConnectionFactory} whose configuration lacks the {@link UnixSocketCustomizer}, which is served by a copy
 * over a copy of that configuration fit for Unix sockets ({@link HttpConfigurationCheck#fitForUnixSockets}). So that
 * code written for Jetty's {@code UnixDomainServerConnector} ({@code new UnixDomainServerConnector(server, new
 * HttpConnectionFactory())}) starts as it is and its requests still carry peer credentials, while the configuration
 * it gave, which may be shared with TCP connectors, is left as it is. Made at each start, checked by
 * {@link HttpConfigurationCheck#check}; what it cannot copy it refuses, saying what to add.
 */
public final class ServingFactories
{
    private final Map<String, ConnectionFactory> byProtocol;
    private final List<HttpConnectionFactory> copies;
    private final ConnectionFactory defaultFactory;
    private final ConnectionFactory afterLeadingProxy;

    private ServingFactories(Map<String, ConnectionFactory> byProtocol, List<HttpConnectionFactory> copies,
                             String defaultProtocol, List<ConnectionFactory> serving)
    {
        this.byProtocol = byProtocol;
        this.copies = copies;
        this.defaultFactory = forProtocol(defaultProtocol);
        boolean proxyFirst = !serving.isEmpty() && serving.get(0) instanceof ProxyConnectionFactory;
        this.afterLeadingProxy = proxyFirst && serving.size() > 1 ? forProtocol(serving.get(1).getProtocol()) : null;
    }

    /**
     * @param given the connector's factories, in order
     * @param defaultProtocol the protocol a new connection starts with
     * @param connector what to name in messages
     * @throws IllegalStateException naming the factory and what to change, for one that cannot serve Unix sockets
     *         safely, or for a PROXY protocol factory that nothing follows
     */
    public static ServingFactories of(Collection<ConnectionFactory> given, String defaultProtocol, Object connector)
        throws Exception
    {
        Map<String, ConnectionFactory> byProtocol = new HashMap<>();
        List<HttpConnectionFactory> copies = new ArrayList<>();
        List<ConnectionFactory> serving = new ArrayList<>();
        for (ConnectionFactory factory : given)
        {
            ConnectionFactory serves = factory;
            HttpConfiguration configuration = HttpConfigurationCheck.configurationOf(factory, connector);
            if (configuration != null && configuration.getCustomizer(UnixSocketCustomizer.class) == null
                && factory.getClass() == HttpConnectionFactory.class)
            {
                HttpConfigurationCheck.refusePlainForwarded(configuration, factory, connector);
                HttpConnectionFactory copy = copyOf((HttpConnectionFactory)factory, HttpConfigurationCheck.fitForUnixSockets(configuration));
                copies.add(copy);
                serves = copy;
            }
            HttpConfigurationCheck.check(serves, connector);
            serving.add(serves);
            for (String protocol : serves.getProtocols())
                byProtocol.put(protocol.toLowerCase(Locale.ROOT), serves);
        }
        if (serving.size() == 1 && serving.get(0) instanceof ProxyConnectionFactory)
            throw new IllegalStateException("Nothing follows the ProxyConnectionFactory on " + connector +
                ": add the protocol it hands over to, e.g. an HttpConnectionFactory");
        ServingFactories made = new ServingFactories(byProtocol, List.copyOf(copies), defaultProtocol, serving);
        for (HttpConnectionFactory copy : made.copies)
            copy.start();
        return made;
    }

    private static HttpConnectionFactory copyOf(HttpConnectionFactory given, HttpConfiguration configuration)
    {
        HttpConnectionFactory copy = new HttpConnectionFactory(configuration);
        copy.setInputBufferSize(given.getInputBufferSize());
        copy.setUseInputDirectByteBuffers(given.isUseInputDirectByteBuffers());
        copy.setUseOutputDirectByteBuffers(given.isUseOutputDirectByteBuffers());
        copy.setTransferEncodingChunkMaxLength(given.getTransferEncodingChunkMaxLength());
        // Listeners given to the factory hear of the connections the copy makes.
        for (Connection.Listener listener : given.getBeans(Connection.Listener.class))
            copy.addBean(listener);
        return copy;
    }

    /** @return the factory a new connection starts with, or {@code null} if none serves the default protocol */
    public ConnectionFactory defaultFactory()
    {
        return defaultFactory;
    }

    /**
     * @return the factory after a leading {@link ProxyConnectionFactory}, which serves peers whose PROXY header must
     *         not be believed; {@code null} if the PROXY protocol does not come first
     */
    public ConnectionFactory afterLeadingProxy()
    {
        return afterLeadingProxy;
    }

    /** @return the factory serving {@code protocol}, or {@code null} if none of these does */
    public ConnectionFactory forProtocol(String protocol)
    {
        return protocol == null ? null : byProtocol.get(protocol.toLowerCase(Locale.ROOT));
    }

    /** At the connector's stop: the copies made for it are stopped. */
    public void stop()
    {
        copies.forEach(copy -> LifeCycle.stop(copy));
    }
}
