package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.github.unixhttp.connector.internal.JettyCallOrder.Assumption;
import io.github.unixhttp.testing.Exchange;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The order in which Jetty calls the connector is the one {@code JettyCallOrder} assumes: recorded on a real server
 * with a real socket, real requests (a kept-alive one, a {@code Connection: close} one, one still running when the stop
 * comes) and a real graceful stop. A failure names the {@link Assumption} that no longer holds, after a Jetty upgrade:
 * read its comment in {@code JettyCallOrder}, and the code that relies on it.
 */
class JettyCallOrderTest
{
    private static final long IDLE_TIMEOUT = 30_000;
    private static final long SHUTDOWN_IDLE_TIMEOUT = 500;

    @TempDir
    Path dir;
    private final CallLog log = new CallLog();
    private Server server;
    private RecordingConnector connector;

    @AfterEach
    void stopServer() throws Exception
    {
        if (server != null)
        {
            server.setStopTimeout(0);
            server.stop();
        }
    }

    @Test
    void startRequestsAndGracefulStopCallTheConnectorInTheAssumedOrder() throws Exception
    {
        RecordingHandler handler = startServer(0);
        String starter = Thread.currentThread().getName();

        // One connection kept alive, idle when the stop comes; one closed by its last response; one busy at the stop.
        try (SocketChannel idle = connect(); SocketChannel busy = connect())
        {
            send(idle, "GET /idle HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(Exchange.readHead(idle).startsWith("HTTP/1.1 200 "));
            try (SocketChannel closing = connect())
            {
                send(closing, "GET /close HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertTrue(readAll(closing).startsWith("HTTP/1.1 200 "));
            }
            log.await(name -> name.equals("endPointClosed"), handler.endPointOf("/close"));
            send(busy, "GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertTrue(handler.busyEntered.await(10, TimeUnit.SECONDS), "the busy request did not reach its handler");

            server.setStopTimeout(20_000);
            CompletableFuture<Void> stop = CompletableFuture.runAsync(this::stopQuietly);
            log.await(name -> name.equals("connector.shutdown returned"), 0);
            handler.busyRelease.countDown();
            assertTrue(readAll(busy).startsWith("HTTP/1.1 200 "));
            stop.get(20, TimeUnit.SECONDS);
        }

        int idleConnection = handler.endPointOf("/idle");
        int busyConnection = handler.endPointOf("/busy");
        int closedConnection = handler.endPointOf("/close");
        List<Call> calls = log.calls();

        expect(Assumption.SERVER_STARTS_CONNECTORS_AFTER_HANDLERS,
            List.of("handler.doStart", "connector.doStart while the server is STARTING", "connector.doStart returned",
                "server.lifeCycleStarted"),
            names(calls, 0, only("handler.doStart", "connector.doStart while the server is STARTING",
                "connector.doStart while the server is not STARTING", "connector.doStart returned", "server.lifeCycleStarted")));
        expect(Assumption.SERVER_STARTS_CONNECTORS_AFTER_HANDLERS, List.of(starter),
            calls.stream().filter(call -> call.name().equals("server.lifeCycleStarted")).map(Call::thread).toList());

        expect(Assumption.CONNECTOR_START_FINDS_FACTORY_THEN_SELECTORS_THEN_ACCEPTORS,
            List.of("connector.doStart while the server is STARTING", "getConnectionFactory(HTTP/1.1)", "newSelector",
                "connector.doStart returned"),
            names(calls, 0, only("connector.doStart while the server is STARTING", "getConnectionFactory(HTTP/1.1)",
                "newSelector", "connector.doStart returned")));

        List<String> opening = List.of("newEndPoint", "newConnection", "endPoint.onOpen", "endPointOpened",
            "connection.onOpened", "needsFillInterest");
        for (int endPoint : List.of(idleConnection, busyConnection, closedConnection))
        {
            List<Call> first = calls.stream().filter(call -> call.endPoint() == endPoint && opening.contains(call.name()))
                .limit(opening.size()).toList();
            expect(Assumption.SELECTOR_OPENS_ENDPOINT_THEN_CONNECTION, opening, first.stream().map(Call::name).toList());
            expect(Assumption.SELECTOR_OPENS_ENDPOINT_THEN_CONNECTION, Collections.nCopies(opening.size(), first.get(0).thread()),
                first.stream().map(Call::thread).toList());
        }

        List<String> exchange = List.of("exchangeStarted", "handle /idle", "exchangeEnded", "needsFillInterest");
        expect(Assumption.EXCHANGE_ENDS_BEFORE_THE_NEXT_READ, exchange,
            fromFirst(calls, idleConnection, "exchangeStarted", only(exchange.toArray(String[]::new)), exchange.size()));

        expect(Assumption.LAST_RESPONSE_SHUTS_OUTPUT_THEN_ASKS_TO_READ,
            List.of("exchangeStarted", "handle /close", "exchangeEnded", "needsFillInterest with its output shut", "endPointClosed"),
            fromFirst(calls, closedConnection, "exchangeStarted", only("exchangeStarted", "handle /close", "exchangeEnded",
                "needsFillInterest", "needsFillInterest with its output shut", "endPointClosed"), Integer.MAX_VALUE));

        expect(Assumption.SERVER_SHUTS_CONNECTORS_DOWN_BEFORE_STOPPING_THEM,
            List.of("connector.shutdown", "connector.shutdown returned", "connector.shutdown done", "connector.doStop"),
            names(calls, 0, only("connector.shutdown", "connector.shutdown returned", "connector.shutdown done", "connector.doStop")));

        // Between the start of shutdown() and its return, on the connections open then: Jetty's shortened timeout,
        // and for the busy one ours given back after it (JettyCallOrder.shutdown).
        int shutdownAt = indexOf(calls, "connector.shutdown");
        int returnedAt = indexOf(calls, "connector.shutdown returned");
        List<Call> duringShutdown = calls.subList(shutdownAt, returnedAt);
        expect(Assumption.SHUTDOWN_SHORTENS_IDLE_TIMEOUTS_BEFORE_IT_RETURNS,
            List.of("setIdleTimeout(" + SHUTDOWN_IDLE_TIMEOUT + ")"),
            names(duringShutdown, idleConnection, startingWith("setIdleTimeout")));
        expect(Assumption.SHUTDOWN_SHORTENS_IDLE_TIMEOUTS_BEFORE_IT_RETURNS,
            List.of("setIdleTimeout(" + SHUTDOWN_IDLE_TIMEOUT + ")", "setIdleTimeout(" + IDLE_TIMEOUT + ")"),
            names(duringShutdown, busyConnection, startingWith("setIdleTimeout")));

        // The future is done after the last of the connections open at the shutdown closed, not before.
        int doneAt = indexOf(calls, "connector.shutdown done");
        int lastClosedAt = Math.max(indexOf(calls, "endPointClosed", idleConnection), indexOf(calls, "endPointClosed", busyConnection));
        if (lastClosedAt < 0 || doneAt < lastClosedAt)
            fail(broken(Assumption.SHUTDOWN_IS_DONE_WHEN_THE_LAST_ENDPOINT_CLOSES, "the future done after both endpoints closed",
                calls.subList(shutdownAt, calls.size()).stream()
                    .filter(call -> call.name().equals("connector.shutdown done") || call.name().equals("endPointClosed")).toList()));
    }

    /** Acceptor threads start after the selectors, within the connector's start. */
    @Test
    void acceptorThreadsStartAfterTheSelectors() throws Exception
    {
        startServer(1);
        assertTrue(Exchange.get(connector.getSocketPath(), "/").startsWith("HTTP/1.1 200 "));
        expect(Assumption.CONNECTOR_START_FINDS_FACTORY_THEN_SELECTORS_THEN_ACCEPTORS,
            List.of("connector.doStart while the server is STARTING", "getConnectionFactory(HTTP/1.1)", "newSelector", "accept"),
            names(log.calls(), 0, only("connector.doStart while the server is STARTING", "getConnectionFactory(HTTP/1.1)",
                "newSelector", "accept")).stream().distinct().toList());
    }

    /** A takeover's publication fails the new server's start this way. */
    @Test
    void anExceptionFromAStartedListenerFailsTheServersStart() throws Exception
    {
        IllegalStateException failure = new IllegalStateException("published nothing");
        server = new Server();
        connector = new RecordingConnector(server, 0);
        connector.setSocketPath(dir.resolve("app.sock"));
        server.addConnector(connector);
        server.setHandler(new RecordingHandler());
        server.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStarted(LifeCycle event)
            {
                throw failure;
            }
        });
        Throwable thrown = assertThrows(Throwable.class, server::start, Assumption.STARTED_LISTENER_FAILURE_FAILS_THE_START.name());
        for (Throwable cause = thrown; cause != failure; cause = cause.getCause())
        {
            if (cause == null)
                fail(broken(Assumption.STARTED_LISTENER_FAILURE_FAILS_THE_START, "the listener's exception", List.of(thrown.toString())));
        }
    }

    private RecordingHandler startServer(int acceptors) throws Exception
    {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("call-order");
        server = new Server(threads);
        connector = new RecordingConnector(server, acceptors);
        connector.setSocketPath(dir.resolve("app.sock"));
        connector.setIdleTimeout(IDLE_TIMEOUT);
        connector.setShutdownIdleTimeout(SHUTDOWN_IDLE_TIMEOUT);
        // The endpoints are made here, without the connector's reader: it needs none for the allow-all policy.
        connector.setReadPeerCredentials(false);
        connector.addEventListener(new Connection.Listener()
        {
            @Override
            public void onOpened(Connection connection)
            {
                log.add("connection.onOpened", connection.getEndPoint());
            }
        });
        server.addConnector(connector);
        RecordingHandler handler = new RecordingHandler();
        server.setHandler(handler);
        server.addEventListener(new LifeCycle.Listener()
        {
            @Override
            public void lifeCycleStarted(LifeCycle event)
            {
                log.add("server.lifeCycleStarted");
            }
        });
        server.start();
        return handler;
    }

    private void expect(Assumption assumption, List<?> expected, List<?> recorded)
    {
        if (!expected.equals(recorded))
            fail(broken(assumption, expected, recorded));
    }

    private static String broken(Assumption assumption, Object expected, Object recorded)
    {
        return "Jetty's call order changed: " + assumption.name() + " no longer holds (" + assumption.summary() +
            "). Expected " + expected + ", recorded " + recorded + ". Read JettyCallOrder.Assumption." + assumption.name() +
            " and revisit the code that relies on it.";
    }

    /** The names of the calls on one endpoint (0: of the connector) that {@code keep} keeps, in order. */
    private static List<String> names(List<Call> calls, int endPoint, Predicate<String> keep)
    {
        return calls.stream().filter(call -> call.endPoint() == endPoint && keep.test(call.name())).map(Call::name).toList();
    }

    /** At most {@code count} names from the first {@code first} on. */
    private static List<String> fromFirst(List<Call> calls, int endPoint, String first, Predicate<String> keep, int count)
    {
        List<String> names = names(calls, endPoint, keep);
        int at = Math.max(0, names.indexOf(first));
        return names.subList(at, (int)Math.min(names.size(), (long)at + count));
    }

    private static int indexOf(List<Call> calls, String name)
    {
        return indexOf(calls, name, 0);
    }

    private static int indexOf(List<Call> calls, String name, int endPoint)
    {
        for (int i = 0; i < calls.size(); i++)
        {
            if (calls.get(i).name().equals(name) && calls.get(i).endPoint() == endPoint)
                return i;
        }
        return -1;
    }

    private SocketChannel connect() throws IOException
    {
        return SocketChannel.open(UnixDomainSocketAddress.of(connector.getSocketPath()));
    }

    private static void send(SocketChannel channel, String request) throws IOException
    {
        ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining())
            channel.write(bytes);
    }

    /** Reads until the server closes. */
    private static String readAll(SocketChannel channel) throws IOException
    {
        StringBuilder received = new StringBuilder();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (channel.read(buffer.clear()) > 0)
            received.append(StandardCharsets.ISO_8859_1.decode(buffer.flip()));
        return received.toString();
    }

    private void stopQuietly()
    {
        try
        {
            server.stop();
        }
        catch (Exception failure)
        {
            throw new IllegalStateException(failure);
        }
    }

    private record Call(String name, int endPoint, String thread)
    {
    }

    /** Every call recorded, in order, with the endpoint it concerns (0: none) and the thread it came on. */
    private static final class CallLog
    {
        private final List<Call> calls = new ArrayList<>();

        synchronized void add(String name)
        {
            add(name, 0);
        }

        void add(String name, EndPoint endPoint)
        {
            add(name, endPoint instanceof RecordingEndPoint recording ? recording.id : -1);
        }

        synchronized void add(String name, int endPoint)
        {
            calls.add(new Call(name, endPoint, Thread.currentThread().getName()));
            notifyAll();
        }

        synchronized List<Call> calls()
        {
            return List.copyOf(calls);
        }

        synchronized void await(Predicate<String> name, int endPoint) throws InterruptedException
        {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (calls.stream().noneMatch(call -> call.endPoint() == endPoint && name.test(call.name())))
            {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0)
                    fail("never recorded; calls: " + calls);
                wait(left);
            }
        }
    }

    /** The names of the calls an assertion looks at. */
    private static Predicate<String> only(String... names)
    {
        List<String> kept = List.of(names);
        return kept::contains;
    }

    private static Predicate<String> startingWith(String prefix)
    {
        return name -> name.startsWith(prefix);
    }

    /** Records what Jetty calls on it, and makes endpoints and selectors that do too. */
    private final class RecordingConnector extends UnixSocketConnector
    {
        private final AtomicInteger endPoints = new AtomicInteger();
        private volatile boolean starting;
        private volatile boolean acceptRecorded;

        RecordingConnector(Server server, int acceptors)
        {
            super(server, acceptors, 1, new HttpConnectionFactory(newHttpConfiguration()));
        }

        @Override
        protected void doStart() throws Exception
        {
            log.add("connector.doStart while the server is " + (getServer().isStarting() ? "" : "not ") + "STARTING");
            starting = true;
            try
            {
                super.doStart();
            }
            finally
            {
                starting = false;
            }
            log.add("connector.doStart returned");
        }

        @Override
        public ConnectionFactory getConnectionFactory(String protocol)
        {
            if (starting)
                log.add("getConnectionFactory(" + protocol + ")");
            return super.getConnectionFactory(protocol);
        }

        @Override
        protected UnixSocketSelectorManager newSelectorManager(Executor executor, Scheduler scheduler, int selectors)
        {
            return new UnixSocketSelectorManager(this, executor, scheduler, selectors)
            {
                @Override
                protected Selector newSelector() throws IOException
                {
                    log.add("newSelector");
                    return super.newSelector();
                }
            };
        }

        @Override
        protected void accept(int acceptorID) throws IOException
        {
            if (!acceptRecorded)
            {
                acceptRecorded = true;
                log.add("accept");
            }
            super.accept(acceptorID);
        }

        @Override
        protected EndPoint newEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key)
        {
            RecordingEndPoint endPoint = new RecordingEndPoint(endPoints.incrementAndGet(), channel, selector, key, getScheduler(),
                getLocalSocketAddress());
            log.add("newEndPoint", endPoint);
            endPoint.setIdleTimeout(getIdleTimeout());
            return endPoint;
        }

        @Override
        protected Connection newConnection(EndPoint endPoint)
        {
            log.add("newConnection", endPoint);
            return super.newConnection(endPoint);
        }

        @Override
        protected void onEndPointOpened(EndPoint endPoint)
        {
            log.add("endPointOpened", endPoint);
            super.onEndPointOpened(endPoint);
        }

        @Override
        protected void onEndPointClosed(EndPoint endPoint)
        {
            log.add("endPointClosed", endPoint);
            super.onEndPointClosed(endPoint);
        }

        @Override
        public CompletableFuture<Void> shutdown()
        {
            log.add("connector.shutdown");
            CompletableFuture<Void> done = super.shutdown();
            log.add("connector.shutdown returned");
            return done.whenComplete((ignored, failure) -> log.add("connector.shutdown done"));
        }

        @Override
        protected void doStop() throws Exception
        {
            log.add("connector.doStop");
            super.doStop();
        }
    }

    private final class RecordingEndPoint extends UnixSocketEndPoint
    {
        private final int id;

        RecordingEndPoint(int id, SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                          SocketAddress localAddress)
        {
            super(channel, selector, key, scheduler, localAddress, null);
            this.id = id;
        }

        @Override
        public void onOpen()
        {
            log.add("endPoint.onOpen", this);
            super.onOpen();
        }

        @Override
        protected void needsFillInterest()
        {
            log.add(isOutputShutdown() ? "needsFillInterest with its output shut" : "needsFillInterest", this);
            super.needsFillInterest();
        }

        @Override
        public void setIdleTimeout(long idleTimeout)
        {
            log.add("setIdleTimeout(" + idleTimeout + ")", this);
            super.setIdleTimeout(idleTimeout);
        }

        @Override
        void exchangeStarted(AbstractConnector connector)
        {
            log.add("exchangeStarted", this);
            super.exchangeStarted(connector);
        }

        @Override
        void exchangeEnded(AbstractConnector connector)
        {
            log.add("exchangeEnded", this);
            super.exchangeEnded(connector);
        }
    }

    /** Answers at once, but {@code /busy} only once the test lets it. */
    private final class RecordingHandler extends Handler.Abstract
    {
        final CountDownLatch busyEntered = new CountDownLatch(1);
        final CountDownLatch busyRelease = new CountDownLatch(1);
        private final Map<String, Integer> endPoints = new ConcurrentHashMap<>();

        @Override
        protected void doStart() throws Exception
        {
            log.add("handler.doStart");
            super.doStart();
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception
        {
            String path = Request.getPathInContext(request);
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            log.add("handle " + path, endPoint);
            if (endPoint instanceof RecordingEndPoint recording)
                endPoints.put(path, recording.id);
            if (path.equals("/busy"))
            {
                busyEntered.countDown();
                if (!busyRelease.await(20, TimeUnit.SECONDS))
                    throw new IllegalStateException("never released");
            }
            response.write(true, StandardCharsets.US_ASCII.encode("hello"), callback);
            return true;
        }

        int endPointOf(String path)
        {
            Integer id = endPoints.get(path);
            if (id == null)
                throw new AssertionError("no request for " + path);
            return id;
        }
    }
}
