package io.github.unixhttp.unit.spring;

import io.github.unixhttp.connector.SocketReplacedListener;
import io.github.unixhttp.connector.WhenReplaced;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.ConfigurableApplicationContext;

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
        UnixSocketConnector connector = new UnixSocketConnector(server, 0, selectors, new HttpConnectionFactory(http));
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

    /**
     * Applies the properties, as the shared settings (h2c as a second factory on the socket's HTTP configuration).
     *
     * @throws io.github.unixhttp.unit.server.SettingsException listing every problem of the properties, each named as
     *         a {@code unixhttp.server.*} property
     */
    void configure(UnixSocketConnector connector)
    {
        properties.settings().applyTo(connector);
        // Once taken over and drained, Spring's application closes (which stops its web server), not Jetty's server alone.
        connector.setSocketFile(connector.getSocketFile().toBuilder()
            .whenReplaced(application != null ? WhenReplaced.NOTHING : WhenReplaced.STOP_SERVER)
            .build());
        if (application != null)
            connector.addEventListener(new ClosingWhenReplaced(application));
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
