package io.github.unixhttp.unit.internal.jetty;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.connector.UnixSocketAddress;
import io.github.unixhttp.unit.internal.ConnectRetry;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.Promise;

/**
 * Connects through a {@link ClientConnector}, retrying on its scheduler while the server's backlog is full (EAGAIN)
 * until the connect timeout, as {@link ConnectRetry} describes. (A Unix socket connect completes or fails at once, so
 * the connector's own timeout for pending connects never applies.) A check given for the socket runs before every
 * attempt, the first and each retry: what is at the path may have changed while the backlog was full.
 */
final class RetryingConnect
{
    private RetryingConnect()
    {
    }

    /** What to look at before each connect attempt. */
    @FunctionalInterface
    interface BeforeAttempt
    {
        /** Nothing to check, for an abstract name (which has no file). */
        BeforeAttempt NOTHING = () -> { };

        /**
         * @throws IOException to fail the connect with, instead of making the attempt
         */
        void check() throws IOException;
    }

    /**
     * @param socket the address {@code address} stands for, for the message of a connect that timed out
     * @param beforeAttempt run before every attempt; its failure fails the connect
     */
    static void connect(ClientConnector connector, SocketAddress address, Map<String, Object> context, UnixSocketAddress socket,
                        Duration timeout, BeforeAttempt beforeAttempt)
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
                    promise.failed(ConnectRetry.timedOut(socket, timeout));
                else
                    connector.getScheduler().schedule(() -> attempt(connector, address, context, promise, beforeAttempt), pause,
                        TimeUnit.NANOSECONDS);
            }
        });
        attempt(connector, address, context, promise, beforeAttempt);
    }

    /**
     * @param promise the caller's promise, which a refusal fails directly (the one in the context retries)
     */
    private static void attempt(ClientConnector connector, SocketAddress address, Map<String, Object> context, Promise<Connection> promise,
                                BeforeAttempt beforeAttempt)
    {
        try
        {
            beforeAttempt.check();
        }
        catch (IOException | RuntimeException refused)
        {
            promise.failed(refused);
            return;
        }
        connector.connect(address, context);
    }
}
