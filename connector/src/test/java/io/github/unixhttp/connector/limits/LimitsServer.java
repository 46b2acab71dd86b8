package io.github.unixhttp.connector.limits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.github.unixhttp.connector.UnixSocketConnector;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A started server for the limits tests: one connector serving HTTP/1.1 and h2c (prior knowledge) with a {@link
 * LimitsHandler}, 32 threads at most as the other connector tests have; closing stops it.
 */
final class LimitsServer implements AutoCloseable
{
    private final Server server;
    private final UnixSocketConnector connector;
    private final LimitsHandler handler = new LimitsHandler();
    private final AtomicLong opened = new AtomicLong();

    private LimitsServer(Path socket, Consumer<UnixSocketConnector> configure)
    {
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("limits-server");
        server = new Server(threads);
        HttpConfiguration config = UnixSocketConnector.newHttpConfiguration();
        connector = new UnixSocketConnector(server, new HttpConnectionFactory(config), new HTTP2CServerConnectionFactory(config));
        connector.setSocketPath(socket);
        configure.accept(connector);
        connector.addEventListener(new Connection.Listener()
        {
            @Override
            public void onOpened(Connection connection)
            {
                opened.incrementAndGet();
            }
        });
        server.addConnector(connector);
        server.setHandler(handler);
    }

    static LimitsServer start(Path socket, Consumer<UnixSocketConnector> configure) throws Exception
    {
        LimitsServer started = new LimitsServer(socket, configure);
        try
        {
            started.server.start();
        }
        catch (Exception failure)
        {
            started.server.stop();
            throw failure;
        }
        return started;
    }

    static LimitsServer start(Path socket, CallerLimits limits) throws Exception
    {
        return start(socket, connector -> connector.setCallerLimits(limits));
    }

    UnixSocketConnector connector()
    {
        return connector;
    }

    LimitsHandler handler()
    {
        return handler;
    }

    Path socket()
    {
        return connector.getSocketPath();
    }

    /**
     * Waits until the connector has opened at least {@code count} connections since it started: a client that closes
     * right after connecting leaves its connection in the backlog until the server accepts it, and only then is it
     * counted against its caller (and forgotten again).
     */
    void awaitOpened(long count, Duration patience) throws InterruptedException
    {
        long deadline = System.nanoTime() + patience.toNanos();
        while (opened.get() < count && System.nanoTime() - deadline < 0)
            Thread.sleep(10);
        if (opened.get() < count)
            throw new AssertionError("the server opened " + opened.get() + " connections, not " + count);
    }

    /** @return the callers the connector knows now */
    List<CallerActivity> callers()
    {
        return connector.getCallerActivity();
    }

    /** Waits until what the connector knows of its callers passes {@code test}; then returns it, or what it was last. */
    List<CallerActivity> awaitCallers(Predicate<List<CallerActivity>> test, Duration patience) throws InterruptedException
    {
        long deadline = System.nanoTime() + patience.toNanos();
        List<CallerActivity> callers = callers();
        while (!test.test(callers) && System.nanoTime() - deadline < 0)
        {
            Thread.sleep(20);
            callers = callers();
        }
        return callers;
    }

    /** @return this JVM's open descriptors now */
    static long openDescriptors() throws IOException
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd")))
        {
            return fds.count();
        }
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
