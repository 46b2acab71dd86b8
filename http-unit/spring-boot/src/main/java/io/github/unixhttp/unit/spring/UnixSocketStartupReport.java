package io.github.unixhttp.unit.spring;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.connector.SocketFileOptions;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says where the application listens once its web server has started, since Spring Boot's own line ("Jetty started
 * on port 0") and {@code WebServer.getPort()} only know TCP ports. It also fails the start when the socket that
 * {@code unixhttp.server.*} asks for is not there (the web server is not Jetty, or a hand-made web server factory
 * left the connector out), rather than let the application run on TCP alone unnoticed.
 */
public class UnixSocketStartupReport implements ApplicationListener<WebServerInitializedEvent>
{
    private static final Log LOG = LogFactory.getLog(UnixSocketStartupReport.class);

    private final UnixHttpServerProperties properties;

    public UnixSocketStartupReport(UnixHttpServerProperties properties)
    {
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event)
    {
        // The actuator's separate management server (management.server.port) has a namespace; it is not ours.
        if (event.getApplicationContext().getServerNamespace() != null)
            return;
        WebServer webServer = event.getWebServer();
        String wanted = UnixHttpServerProperties.PREFIX + (properties.inherits() ? ".inherit" : ".socket-path=" + properties.getSocketPath());
        if (!(webServer instanceof JettyWebServer jetty))
            throw new IllegalStateException(wanted + " asks for a Unix socket, which only Jetty can serve here, but the web " +
                "server is " + webServer.getClass().getSimpleName() + ": depend on spring-boot-starter-jetty and exclude " +
                "spring-boot-starter-tomcat from spring-boot-starter-webmvc (or remove " + UnixHttpServerProperties.PREFIX + ".*)");
        List<UnixSocketConnector> sockets = new ArrayList<>();
        List<String> ports = new ArrayList<>();
        for (Connector connector : jetty.getServer().getConnectors())
        {
            if (connector instanceof UnixSocketConnector socket)
                sockets.add(socket);
            else if (connector instanceof NetworkConnector network && network.getLocalPort() > 0)
                ports.add(String.valueOf(network.getLocalPort()));
        }
        if (sockets.isEmpty())
            throw new IllegalStateException(wanted + " asks for a Unix socket, but the Jetty server has none: a " +
                "ServletWebServerFactory bean of the application's own replaced Spring Boot's without its JettyServerCustomizer " +
                "beans; add them with factory.addServerCustomizers(...)");
        for (UnixSocketConnector socket : sockets)
        {
            if (!socket.isStarted())
            {
                LOG.warn("Not listening on " + describe(socket) + ": server.port=-1 keeps Spring Boot from starting any " +
                    "connector of its web server. To serve on the Unix socket alone, remove server.port=-1: the socket " +
                    "replaces the TCP connector unless " + UnixHttpServerProperties.PREFIX + ".keep-tcp=true");
                continue;
            }
            LOG.info("Listening on " + describe(socket) + " " + socket.getProtocols() +
                (ports.isEmpty() ? "" : ", and on TCP port" + (ports.size() > 1 ? "s " : " ") + String.join(", ", ports)));
        }
    }

    private String describe(UnixSocketConnector socket)
    {
        if (socket.getAddress().kind() == UnixSocketAddress.Kind.INHERITED)
            return "unix:" + (socket.getLocalSocketAddress() == null ? "(inherited)" : socket.getLocalSocketAddress() + " (inherited)");
        if (socket.getAddress().kind() == UnixSocketAddress.Kind.ABSTRACT_NAME)
            return "unix:@" + socket.getAddress().abstractName();
        StringBuilder text = new StringBuilder("unix:").append(socket.getSocketPath());
        SocketFileOptions file = socket.getSocketFile();
        if (file.hasFileAttributes())
        {
            text.append(" (");
            if (file.mode() != null)
                text.append("mode ").append(file.mode());
            if (file.group() != null)
                text.append(file.mode() != null ? ", " : "").append("group ").append(file.group());
            text.append(')');
        }
        return text.toString();
    }
}
