package io.github.unixhttp.unit.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.connector.SocketReplacedListener;
import io.github.unixhttp.connector.WhenReplaced;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Puts a {@link UnixSocketConnector} into the Jetty server Spring Boot builds, in place of its TCP connector (or
 * beside it with {@code keep-tcp}). The socket serves a copy of the TCP connector's {@link HttpConfiguration} fit for
 * Unix sockets ({@link UnixSocketConnector#newHttpConfiguration(HttpConfiguration)}; the TCP connector's stays as it
 * is), shares its thread pool and selector count, and runs before Spring Boot's own property-driven customizers
 * ({@code server.jetty.*} idle timeout, header sizes, forwarded headers), which reach every connector, so it too; Spring Boot's graceful shutdown
 * ({@code server.shutdown=graceful}) shuts down every connector of the server, this one included.
 */
public class UnixSocketServerCustomizer implements JettyServerCustomizer
{
    private static final String H2C_FACTORY = "org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory";

    private final UnixHttpServerProperties properties;
    private final ConfigurableApplicationContext application;

    /** A customizer whose connector stops only Jetty's server once another server took its path over. */
    public UnixSocketServerCustomizer(UnixHttpServerProperties properties)
    {
        this(properties, null);
    }

    /**
     * @param application closed once another server took the socket path over and this one has drained, so that the
     *                    old version's process ends (stopping only Jetty's server would leave the application running)
     */
    public UnixSocketServerCustomizer(UnixHttpServerProperties properties, ConfigurableApplicationContext application)
    {
        this.properties = properties;
        this.application = application;
    }

    @Override
    public void customize(Server server)
    {
        Connector tcp = firstHttpConnector(server);
        // A copy fit for Unix sockets: the TCP connector's configuration stays as Spring made it.
        HttpConfiguration http = tcp == null ? UnixSocketConnector.newHttpConfiguration()
            : UnixSocketConnector.newHttpConfiguration(httpConfigurationOf(tcp));
        int selectors = tcp instanceof ServerConnector serverConnector ? serverConnector.getSelectorManager().getSelectorCount() : -1;
        // Zero acceptors: the selector accepts when a connection is ready, which inherited and abstract sockets need.
        UnixSocketConnector connector = new UnixSocketConnector(server, 0, selectors, factories(http));
        // Spring Boot adds its ForwardedRequestCustomizer (server.forward-headers-strategy=native) to every connector's
        // configuration after this customizer ran. The socket's configuration is its own copy: just before the
        // connector starts, a plain one there is wrapped so that forwarded headers are believed from trusted proxies only.
        connector.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStarting(LifeCycle event)
            {
                TrustedForwardedCustomizer.wrapPlainOnes(http);
            }
        });
        configure(connector);
        if (tcp != null && !properties.isKeepTcp())
            server.removeConnector(tcp);
        server.addConnector(connector);
    }

    /** Applies the properties; each bad value fails with the connector's message, prefixed by the property's name. */
    void configure(UnixSocketConnector connector)
    {
        String prefix = UnixHttpServerProperties.PREFIX + ".";
        if (properties.inherits() && properties.getSocketPath() != null)
            throw new IllegalStateException(prefix + "socket-path and " + prefix + "inherit exclude each other: the supervisor " +
                "that hands the socket over chose its path. Remove one of them.");
        if ((properties.inherits() || properties.isAbstractName()) && (properties.getFileMode() != null || properties.getFileGroup() != null))
            throw new IllegalStateException(properties.inherits()
                ? prefix + "file-mode and " + prefix + "file-group do not apply to an inherited socket: the supervisor sets them " +
                "(SocketMode=/SocketGroup= in systemd). Remove them."
                : prefix + "socket-path=" + properties.getSocketPath() + " is an abstract name, which has no file, hence no mode " +
                "or group: remove " + prefix + "file-mode and " + prefix + "file-group, and restrict who may connect with " +
                prefix + "allow-users / allow-groups.");
        if ((properties.inherits() || properties.isAbstractName()) && properties.isTakeover())
            throw new IllegalStateException(prefix + "takeover replaces a socket file at a path: it does not go with " +
                (properties.inherits() ? prefix + "inherit (the supervisor keeps the socket across restarts)"
                    : "an abstract name (" + prefix + "socket-path=" + properties.getSocketPath() + ")") + ". Remove " + prefix + "takeover.");
        try
        {
            connector.setAddress(properties.address());
        }
        catch (IllegalArgumentException bad)
        {
            throw new IllegalArgumentException((properties.inherits() ? prefix + "inherit-name=" + properties.getInheritName()
                : prefix + "socket-path=" + properties.getSocketPath()) + ": " + bad.getMessage(), bad);
        }
        connector.setSocketFile(SocketFileOptions.builder()
            .mode(properties.effectiveFileMode())
            .group(properties.getFileGroup())
            .staleSocketPolicy(properties.getStaleSocket())
            .allowUnsafeDirectory(properties.isAllowUnsafeDirectory())
            .takeover(properties.isTakeover())
            .whenReplaced(application != null ? WhenReplaced.NOTHING : WhenReplaced.STOP_SERVER)
            .build());
        if (application != null)
            connector.addEventListener(new ClosingWhenReplaced(application));
        if (!properties.getAllowUsers().isEmpty() || !properties.getAllowGroups().isEmpty())
            connector.setPeerPolicy(UnixSocketSettings.peerPolicy(prefix + "allow-users/allow-groups", properties.getAllowUsers(),
                properties.getAllowGroups()));
        if (!properties.getTrustProxies().isEmpty())
            connector.setTrustedProxies(UnixSocketSettings.peerPolicy(prefix + "trust-proxies", properties.getTrustProxies(), List.of()));
    }

    private ConnectionFactory[] factories(HttpConfiguration http)
    {
        List<ConnectionFactory> factories = new ArrayList<>();
        factories.add(new HttpConnectionFactory(http));
        if (properties.isH2c())
        {
            if (!ClassUtils.isPresent(H2C_FACTORY, getClass().getClassLoader()))
                throw new IllegalStateException(UnixHttpServerProperties.PREFIX + ".h2c=true needs Jetty's HTTP/2 server on the " +
                    "class path: add the dependency org.eclipse.jetty.http2:jetty-http2-server");
            factories.add(H2c.factory(http));
        }
        return factories.toArray(ConnectionFactory[]::new);
    }

    private static Connector firstHttpConnector(Server server)
    {
        for (Connector connector : server.getConnectors())
        {
            if (connector.getConnectionFactory(HttpConnectionFactory.class) != null)
                return connector;
        }
        return null;
    }

    private static HttpConfiguration httpConfigurationOf(Connector connector)
    {
        return connector.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration();
    }

    /** Loaded only when h2c is asked for, so that the HTTP/2 classes stay optional. */
    private static final class H2c
    {
        static ConnectionFactory factory(HttpConfiguration http)
        {
            return new org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory(http);
        }
    }

    /**
     * Closes the application once its socket was taken over and drained: a new version of it (or another server of
     * the same user) serves the path now. Closing runs Spring's shutdown (beans' destroy methods, the web server's
     * stop) on a thread of its own: the drain's thread belongs to the server being stopped.
     */
    private static final class ClosingWhenReplaced implements SocketReplacedListener
    {
        private final ConfigurableApplicationContext application;

        ClosingWhenReplaced(ConfigurableApplicationContext application)
        {
            this.application = application;
        }

        @Override
        public void onDrained(UnixSocketConnector connector, boolean complete)
        {
            new Thread(application::close, "unixhttp-replaced-close").start();
        }
    }
}
