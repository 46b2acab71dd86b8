package io.github.unixhttp.testing;

import java.nio.file.Path;
import java.util.function.Consumer;

import io.github.unixhttp.connector.UnixSocketConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A started Jetty server with one {@link UnixSocketConnector} and a {@link TestHandler}; closing stops it.
 */
public final class TestServer implements AutoCloseable
{
    private final Server server;
    private final UnixSocketConnector connector;
    private final TestHandler handler = new TestHandler();

    private TestServer(Path socket, int acceptors, Consumer<UnixSocketConnector> configure, ConnectionFactory... factories)
    {
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("test-server");
        server = new Server(threads);
        connector = new UnixSocketConnector(server, acceptors, -1, factories);
        if (socket != null)
            connector.setSocketPath(socket);
        configure.accept(connector);
        server.addConnector(connector);
        server.setHandler(handler);
    }

    public static TestServer start(Path socket) throws Exception
    {
        return start(socket, connector -> {});
    }

    public static TestServer start(Path socket, Consumer<UnixSocketConnector> configure, ConnectionFactory... factories) throws Exception
    {
        return start(new TestServer(socket, 0, configure, factories));
    }

    public static TestServer startWithAcceptors(Path socket, int acceptors) throws Exception
    {
        return startWithAcceptors(socket, acceptors, connector -> {});
    }

    public static TestServer startWithAcceptors(Path socket, int acceptors, Consumer<UnixSocketConnector> configure) throws Exception
    {
        return start(new TestServer(socket, acceptors, configure));
    }

    private static TestServer start(TestServer testServer) throws Exception
    {
        try
        {
            testServer.server.start();
        }
        catch (Exception failure)
        {
            testServer.server.stop();
            throw failure;
        }
        return testServer;
    }

    public Server server()
    {
        return server;
    }

    public UnixSocketConnector connector()
    {
        return connector;
    }

    public TestHandler handler()
    {
        return handler;
    }

    public Path socket()
    {
        return connector.getSocketPath();
    }

    /** Starts a server whose socket the configuration names (an abstract name, an inherited socket). */
    public static TestServer start(Consumer<UnixSocketConnector> configure) throws Exception
    {
        return start(null, configure);
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
