package io.github.unixhttp.connector.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.eclipse.jetty.io.EndPoint;

/**
 * Everything the connector takes for granted about the order in which Jetty 12.1 calls it, in one place: each
 * {@link Assumption} is one such fact, with what relies on it, and the steps of the connector's start, stop and
 * graceful stop that must come before or after Jetty's own are sequenced here, each citing the assumption that puts
 * it there. {@code JettyCallOrderTest} records the calls on a real server with a real socket, request and graceful
 * stop, and fails naming the assumption that no longer holds: after a Jetty upgrade, start reading there.
 */
public final class JettyCallOrder
{
    /** What Jetty does, in which order, and what relies on it. */
    public enum Assumption
    {
        /**
         * {@code Server.doStart} starts its handlers (and other beans) first, then each connector, whose
         * {@code doStart} runs while the server is {@code STARTING}; the server's {@code LifeCycle} listeners hear
         * {@code lifeCycleStarted} after every connector has started, on the thread that started the server. The
         * {@link ServingGate} waits for that to accept (no request reaches handlers still starting), and a takeover's
         * socket is published then ({@code SocketReplacement}).
         */
        SERVER_STARTS_CONNECTORS_AFTER_HANDLERS("the server starts its handlers, then its connectors while STARTING, " +
            "then tells its listeners lifeCycleStarted"),
        /**
         * An exception thrown by a server's {@code lifeCycleStarted} listener fails {@code Server.start()}: a takeover
         * whose socket cannot be published fails the new server's start, and the old server keeps serving.
         */
        STARTED_LISTENER_FAILURE_FAILS_THE_START("an exception from a lifeCycleStarted listener fails Server.start()"),
        /**
         * {@code AbstractConnector.doStart} looks up its default connection factory through {@code
         * getConnectionFactory(String)} (so the factories that serve, copies where a configuration lacks the
         * customizer, must be made before, or {@code getDefaultConnectionFactory()} would answer the one given), then
         * starts its beans, among them the {@code SelectorManager}, which makes its selectors ({@code newSelector()}:
         * jnr's for an abstract name, so the socket must be open before), and only then starts the acceptor threads,
         * which call {@code accept(int)} at once (on a socket already open and in blocking mode): see {@link #start}.
         */
        CONNECTOR_START_FINDS_FACTORY_THEN_SELECTORS_THEN_ACCEPTORS("AbstractConnector.doStart looks up the default " +
            "factory, then makes the selectors, then starts the acceptors"),
        /**
         * For each accepted channel, {@code ManagedSelector} calls, on one thread and in this order: {@code
         * newEndPoint}, {@code newConnection}, {@code EndPoint.onOpen}, {@code endPointOpened}, then {@code
         * connectionOpened}, in which the connection's {@code onOpen} asks for its first fill interest. The endpoint
         * holds that interest and {@code UnixSocketSelectorManager.connectionOpened} answers it on the same thread
         * (the first request is served where it was accepted), and a stop counts a connection as open from {@code
         * endPointOpened} on ({@link AcceptingSocket#acceptQueuedThenClose}).
         */
        SELECTOR_OPENS_ENDPOINT_THEN_CONNECTION("ManagedSelector calls newEndPoint, newConnection, onOpen, " +
            "endPointOpened, then connectionOpened (which asks for the first fill interest), on one thread"),
        /**
         * Jetty's HTTP/1 connection customizes each request (the {@code UnixSocketCustomizer} counts it on the
         * endpoint) before its handler runs, and completes the request's stream (the count goes down) before it asks
         * the endpoint for the next request's bytes ({@code needsFillInterest}). The endpoint's count is what a
         * graceful stop tells busy connections from idle ones by, and what lets a connection close after its last
         * response without waiting for the client.
         */
        EXCHANGE_ENDS_BEFORE_THE_NEXT_READ("each request is customized before its handler, and its stream completes " +
            "before the connection asks to read again"),
        /**
         * After its last response ({@code Connection: close}) Jetty's HTTP/1 connection shuts its output and then asks
         * the endpoint for fill interest, to read the client's end of stream: the endpoint closes there instead
         * ({@code UnixSocketEndPoint.needsFillInterest}). Were that order to change, connections would only close a
         * selector round trip later.
         */
        LAST_RESPONSE_SHUTS_OUTPUT_THEN_ASKS_TO_READ("after the last response the HTTP/1 connection shuts its output, " +
            "then asks to read"),
        /**
         * {@code Server.stop()} with a stop timeout calls every connector's {@code shutdown()} (through {@code
         * Graceful.shutdown}) before it stops anything, and stops the connector ({@code doStop}) only once that
         * shutdown's future is done or the stop timeout ran out. Serving the backlog and keeping busy connections
         * patient happen in {@code shutdown()}: see {@link #shutdown}.
         */
        SERVER_SHUTS_CONNECTORS_DOWN_BEFORE_STOPPING_THEM("Server.stop() calls connector.shutdown(), waits for its " +
            "future, then calls connector.doStop()"),
        /**
         * {@code AbstractConnector.shutdown()} gives every open endpoint the shutdown idle timeout before it returns
         * (and {@code IdleTimeout.setIdleTimeout} checks a shorter timeout at once, against the time since the
         * endpoint's last activity): {@link GracefulStop} undoes that for busy connections around the call.
         */
        SHUTDOWN_SHORTENS_IDLE_TIMEOUTS_BEFORE_IT_RETURNS("AbstractConnector.shutdown() sets the shutdown idle " +
            "timeout on every open endpoint before it returns"),
        /**
         * The future {@code AbstractConnector.shutdown()} returns is done once no endpoint is open (from {@code
         * onEndPointOpened} to {@code onEndPointClosed}), looked at when it is called and at each close: connections
         * taken from the backlog must be open before it is called, or the stop would cut them off.
         */
        SHUTDOWN_IS_DONE_WHEN_THE_LAST_ENDPOINT_CLOSES("the future of AbstractConnector.shutdown() completes when the " +
            "last open endpoint closes");

        private final String summary;

        Assumption(String summary)
        {
            this.summary = summary;
        }

        /** @return what Jetty is assumed to do, in a sentence */
        public String summary()
        {
            return summary;
        }
    }

    /** A step of the connector's or Jetty's that may fail. */
    @FunctionalInterface
    public interface Step
    {
        void run() throws Exception;
    }

    private JettyCallOrder()
    {
    }

    /**
     * The connector's {@code doStart}.
     *
     * @param open makes everything Jetty's start uses: the serving connection factories, the listening socket (with
     *             the selector kind its channels need and the blocking mode acceptor threads need)
     * @param jettyStart {@code AbstractConnector.doStart}
     * @param serve starts accepting once the server has started (or at once), and a takeover's publication
     * @param undo closes what {@code open} made, when any step fails
     */
    public static void start(Step open, Step jettyStart, Step serve, Step undo) throws Exception
    {
        try
        {
            // CONNECTOR_START_FINDS_FACTORY_THEN_SELECTORS_THEN_ACCEPTORS: Jetty's start looks up the factories, makes
            // the selectors and starts the acceptor threads, so all that must be there before it.
            open.run();
            jettyStart.run();
            // After Jetty's start, which started the selectors that accepting needs. SERVER_STARTS_CONNECTORS_AFTER_HANDLERS:
            // the gate opens once the server (handlers and all) has started, or now for a connector started on its own.
            serve.run();
        }
        catch (Throwable failure)
        {
            try
            {
                undo.run();
            }
            catch (Throwable alsoFailed)
            {
                failure.addSuppressed(alsoFailed);
            }
            throw failure;
        }
    }

    /**
     * The connector's {@code doStop}.
     *
     * @param stopServing closes the serving gate and stops watching for a takeover, so that nothing starts accepting
     *                    again while Jetty stops
     * @param jettyStop {@code AbstractConnector.doStop}: interrupts the acceptor threads, stops the selectors (which
     *                  closes the connections)
     * @param close closes the listening socket (removing its file if still ours) and the connection factories the
     *              start made
     */
    public static void stop(Runnable stopServing, Step jettyStop, Step close) throws Exception
    {
        stopServing.run();
        try
        {
            jettyStop.run();
        }
        finally
        {
            // After Jetty's stop, as Jetty's own UnixDomainServerConnector closes its channel: the selectors withdraw
            // what they had registered first. A graceful stop closed the socket already (see shutdown).
            close.run();
        }
    }

    /**
     * The connector's {@code shutdown()}, the beginning of a graceful stop.
     *
     * @param socket the listening socket, or {@code null} if there is none: it refuses new connections, serves what the
     *               kernel had queued in its backlog, and closes ({@link AcceptingSocket#acceptQueuedThenClose})
     * @param openedEndPoints how many endpoints the connector's selectors have opened so far
     * @param connected the connector's open endpoints, looked at after the backlog was served
     * @param shutdownIdleTimeout the connector's shutdown idle timeout
     * @param jettyShutdown {@code AbstractConnector.shutdown()}
     * @return Jetty's future: done once the last connection closed
     */
    public static CompletableFuture<Void> shutdown(AcceptingSocket socket, LongSupplier openedEndPoints,
                                                   Supplier<Collection<EndPoint>> connected, long shutdownIdleTimeout,
                                                   Supplier<CompletableFuture<Void>> jettyShutdown)
    {
        // SERVER_SHUTS_CONNECTORS_DOWN_BEFORE_STOPPING_THEM: this is the only call a graceful stop makes before it waits.
        // SHUTDOWN_IS_DONE_WHEN_THE_LAST_ENDPOINT_CLOSES: the queued connections must be open before Jetty looks.
        if (socket != null)
            socket.acceptQueuedThenClose(openedEndPoints);
        // SHUTDOWN_SHORTENS_IDLE_TIMEOUTS_BEFORE_IT_RETURNS: busy connections get their idle timeout back at once.
        Map<EndPoint, Long> busy = GracefulStop.beforeJettyShortensIdleTimeouts(connected.get());
        CompletableFuture<Void> done = jettyShutdown.get();
        GracefulStop.keepBusyConnectionsPatient(busy, shutdownIdleTimeout);
        return done;
    }
}
