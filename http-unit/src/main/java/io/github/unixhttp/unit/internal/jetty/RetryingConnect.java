package io.github.unixhttp.unit.internal.jetty;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.internal.ConnectRetry;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Connects for a {@link ClientConnector}, retrying on its scheduler while the server's backlog is full (EAGAIN)
 * until the connect timeout, as {@link ConnectRetry} describes. (A Unix socket connect completes or fails at once, so
 * the connector's own timeout for pending connects never applies.) Each attempt, the first and each retry, makes its
 * own checks (what is at the path may have changed while the backlog was full): a refusal it throws is not retried.
 */
final class RetryingConnect
{
    private RetryingConnect()
    {
    }

    /** One connect attempt. */
    @FunctionalInterface
    interface Attempt
    {
        /**
         * Starts the connect; its outcome goes to the promise in {@code context}, or is thrown.
         *
         * @throws IOException to fail this attempt with (retried if it says the backlog is full)
         */
        void start(Map<String, Object> context) throws IOException;

        /** The connector's own connect to {@code address}. */
        static Attempt through(ClientConnector connector, SocketAddress address)
        {
            return context -> connector.connect(address, context);
        }
    }

    /**
     * @param connector whose scheduler paces the retries, which stop once it stops
     * @param socket the address being connected to, for the message of a connect that timed out
     * @param attempt the connect itself
     */
    static void connect(ClientConnector connector, Map<String, Object> context, UnixSocketAddress socket, Duration timeout,
                        Attempt attempt)
    {
        @SuppressWarnings("unchecked")
        Promise<Connection> promise = (Promise<Connection>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
        ConnectRetry retry = ConnectRetry.start(timeout);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>()
        {
            @Override
            public void succeeded(Connection connection)
            {
                promise.succeeded(connection);
            }

            @Override
            public void failed(Throwable failure)
            {
                if (!ConnectRetry.isBacklogFull(failure, socket) || !connector.isRunning())
                {
                    promise.failed(failure);
                    return;
                }
                long pause = retry.nextPauseNanos(System.nanoTime());
                if (pause < 0)
                {
                    promise.failed(ConnectRetry.timedOut(socket, timeout));
                    return;
                }
                Scheduler scheduler = connector.getScheduler();
                // A stopped scheduler drops or refuses the task: the caller's promise must still complete.
                if (!scheduler.isRunning())
                {
                    promise.failed(failure);
                    return;
                }
                try
                {
                    scheduler.schedule(() -> attempt(context, attempt), pause, TimeUnit.NANOSECONDS);
                }
                catch (RejectedExecutionException stopped)
                {
                    promise.failed(failure);
                }
            }
        });
        attempt(context, attempt);
    }

    private static void attempt(Map<String, Object> context, Attempt attempt)
    {
        try
        {
            attempt.start(context);
        }
        catch (IOException | RuntimeException failure)
        {
            ((Promise<?>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY)).failed(failure);
        }
    }
}
