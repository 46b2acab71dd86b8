package io.github.unixhttp.unit.internal.jetty;

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
 * the connector's own timeout for pending connects never applies.)
 */
final class RetryingConnect
{
    private RetryingConnect()
    {
    }

    /**
     * @param socket the address {@code address} stands for, for the message of a connect that timed out
     */
    static void connect(ClientConnector connector, SocketAddress address, Map<String, Object> context, UnixSocketAddress socket,
                        Duration timeout)
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
                    connector.getScheduler().schedule(() -> connector.connect(address, context), pause, TimeUnit.NANOSECONDS);
            }
        });
        connector.connect(address, context);
    }
}
