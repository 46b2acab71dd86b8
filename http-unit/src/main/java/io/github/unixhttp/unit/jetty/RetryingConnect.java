package io.github.unixhttp.unit.jetty;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.ConnectRetry;
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

    static void connect(ClientConnector connector, SocketAddress address, Map<String, Object> context, String socket, Duration timeout)
    {
        @SuppressWarnings("unchecked")
        Promise<Connection> promise = (Promise<Connection>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
        long start = System.nanoTime();
        long budget = ConnectRetry.budgetNanos(timeout);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY, new Promise<Connection>()
        {
            // Written before each retry is scheduled, read when that retry fails: ordered by the scheduler's hand-off.
            private volatile long pause = ConnectRetry.FIRST_PAUSE_NANOS;

            @Override
            public void succeeded(Connection connection)
            {
                promise.succeeded(connection);
            }

            @Override
            public void failed(Throwable failure)
            {
                long wait = pause;
                if (!ConnectRetry.isBacklogFull(failure) || !connector.isRunning())
                    promise.failed(failure);
                else if (ConnectRetry.wouldOverrun(start, budget, wait))
                    promise.failed(ConnectRetry.timedOut(socket, timeout));
                else
                {
                    pause = ConnectRetry.nextPause(wait);
                    connector.getScheduler().schedule(() -> connector.connect(address, context), wait, TimeUnit.NANOSECONDS);
                }
            }
        });
        connector.connect(address, context);
    }
}
