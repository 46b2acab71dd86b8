package io.github.unixhttp.examples.demo;

import java.util.ArrayList;
import java.util.List;

import io.github.unixhttp.connector.SocketReplacedListener;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.policy.TrustedForwardedCustomizer;
import io.github.unixhttp.unit.server.UnixSocketSettings;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import picocli.CommandLine;

/**
 * The demo admin server: HTTP on a Unix socket with peer credentials, a policy, and a graceful stop.
 * Exit status: 0 after a clean stop (SIGTERM, SIGINT, or once drained after a new server took its path over), 1 if
 * it cannot listen (or its default socket directory is not a private directory of its user), 2 for a bad command line.
 */
public final class DemoServer
{
    private static final long STOP_TIMEOUT_MILLIS = 30_000;

    private DemoServer()
    {
    }

    public static void main(String[] args)
    {
        CommandLine commandLine = DemoOptions.commandLine();
        DemoOptions options;
        try
        {
            options = DemoOptions.parse(commandLine, args);
        }
        catch (CommandLine.ParameterException bad)
        {
            System.err.println("unixhttp-demo: " + bad.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (commandLine.isUsageHelpRequested())
        {
            commandLine.usage(System.out);
            return;
        }
        if (commandLine.isVersionHelpRequested())
        {
            commandLine.printVersionHelp(System.out);
            return;
        }
        Server server = new Server();
        UnixSocketConnector connector;
        try
        {
            connector = configure(server, options);
            server.start();
        }
        catch (Exception failure)
        {
            System.err.println("unixhttp-demo: " + explain(failure));
            stopQuietly(server);
            System.exit(1);
            return;
        }
        // Before the banner: whoever reads it may send SIGTERM at once, and must get the graceful stop.
        TerminationSignals.onTermination(() -> new Thread(() -> stopAndExit(server), "demo-stop").start());
        announce(connector);
        try
        {
            server.join();
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
        }
        // Taken over: the connector drained and stopped the server (its default), which is a clean stop.
        if (connector.isReplaced())
        {
            System.out.println("stopped");
            System.out.flush();
            System.exit(0);
        }
    }

    static UnixSocketConnector configure(Server server, DemoOptions options) throws Exception
    {
        UnixSocketSettings settings = options.settings();
        HttpConfiguration http = UnixSocketConnector.newHttpConfiguration();
        http.setSendServerVersion(false);
        // One way for the client's address, not two: with a PROXY header, forwarded headers from the same proxy
        // would override it, and they may be the client's own.
        if (settings.trustedProxies() != null && !options.proxyProtocol())
            http.addCustomizer(new TrustedForwardedCustomizer());
        List<ConnectionFactory> factories = new ArrayList<>();
        if (options.proxyProtocol())
            factories.add(new ProxyConnectionFactory());
        factories.add(new HttpConnectionFactory(http));
        UnixSocketConnector connector = new UnixSocketConnector(server, factories.toArray(ConnectionFactory[]::new));
        // Neither --socket nor --inherit: the per-user default path, which the settings leave to the demo.
        if (settings.address() == null)
            connector.setSocket(options.socketOrDefault());
        settings.applyTo(connector);
        connector.addEventListener(new SocketReplacedListener()
        {
            @Override
            public void onReplaced(UnixSocketConnector replaced)
            {
                System.out.println("replaced: unix:" + replaced.getSocketPath() + " names a new server's socket now; " +
                    "finishing requests in flight");
                System.out.flush();
            }
        });
        ConnectionStatistics connections = new ConnectionStatistics();
        connector.addBean(connections);
        server.addConnector(connector);
        server.setHandler(new GracefulHandler(new DemoHandler(connections)));
        server.setStopTimeout(STOP_TIMEOUT_MILLIS);
        return connector;
    }

    private static void announce(UnixSocketConnector connector)
    {
        String address = String.valueOf(connector.getLocalSocketAddress());
        if (connector.getAddress().kind() == UnixSocketAddress.Kind.INHERITED)
            System.out.println("listening on unix:" + address + " (inherited)");
        else if (connector.getAddress().kind() == UnixSocketAddress.Kind.ABSTRACT_NAME)
            System.out.println("listening on unix:@" + connector.getAddress().abstractName());
        else
            System.out.println("listening on unix:" + address + " (mode " + connector.getSocketFile().mode() + ")");
        if (connector.getAddress().kind() == UnixSocketAddress.Kind.ABSTRACT_NAME)
            System.out.println("try: curl --abstract-unix-socket " + connector.getAddress().abstractName() + " http://localhost/whoami");
        else
            System.out.println("try: curl --unix-socket " + address + " http://localhost/whoami");
        System.out.flush();
    }

    private static void stopAndExit(Server server)
    {
        System.out.println("stopping: finishing requests in flight");
        System.out.flush();
        stopQuietly(server);
        System.out.println("stopped");
        System.out.flush();
        System.exit(0);
    }

    private static void stopQuietly(Server server)
    {
        try
        {
            server.stop();
        }
        catch (Exception failure)
        {
            System.err.println("unixhttp-demo: while stopping: " + failure);
        }
    }

    /**
     * What a start failure says: the outermost message, which is the connector's own sentence (what went wrong,
     * which file, what to do), then each cause whose message adds something not yet said. A wrapper whose message
     * is only its cause's ({@code new RuntimeException(cause)}) is looked through.
     */
    static String explain(Throwable failure)
    {
        Throwable outermost = failure;
        while (outermost.getCause() != null && String.valueOf(outermost.getMessage()).equals(outermost.getCause().toString()))
            outermost = outermost.getCause();
        StringBuilder text = new StringBuilder(outermost.getMessage() != null ? outermost.getMessage() : outermost.toString());
        int depth = 0;
        for (Throwable cause = outermost.getCause(); cause != null && depth < 10; cause = cause.getCause(), depth++)
        {
            String message = cause.getMessage();
            if (message != null && !message.isBlank() && text.indexOf(message) < 0)
                text.append("\n  because: ").append(cause.getClass().getSimpleName()).append(": ").append(message);
        }
        return text.toString();
    }
}
