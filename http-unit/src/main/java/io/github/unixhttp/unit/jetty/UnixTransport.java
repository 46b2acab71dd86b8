package io.github.unixhttp.unit.jetty;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.ConnectRetry;
import io.github.unixhttp.unit.ServerIdentityCheck;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's {@link Transport.TCPUnix} with the server identity check: once connected, and before the HTTP
 * connection that would write the request exists, the server's credentials are read from the client's socket.
 * A connect the server's full backlog refuses is retried on the client's scheduler until its connect timeout.
 */
final class UnixTransport extends Transport.TCPUnix
{
    private final ServerIdentityCheck identity;
    private final String socket;

    UnixTransport(java.nio.file.Path path, ServerIdentityCheck identity)
    {
        super(path);
        this.identity = identity;
        this.socket = path.toString();
    }

    @Override
    public void connect(SocketAddress address, Map<String, Object> context)
    {
        ClientConnector connector = (ClientConnector)context.get(ClientConnector.CONTEXT_KEY);
        @SuppressWarnings("unchecked")
        Promise<Connection> promise = (Promise<Connection>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
        Duration timeout = connector.getConnectTimeout();
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
                    connector.getScheduler().schedule(() -> connectOnce(address, context), wait, TimeUnit.NANOSECONDS);
                }
            }
        });
        connectOnce(address, context);
    }

    private void connectOnce(SocketAddress address, Map<String, Object> context)
    {
        super.connect(address, context);
    }

    @Override
    public Connection newConnection(EndPoint endPoint, Map<String, Object> context) throws IOException
    {
        if (endPoint instanceof SocketChannelEndPoint socketEndPoint)
            identity.verify((SocketChannel)socketEndPoint.getChannel(), socket);
        return super.newConnection(endPoint, context);
    }

    @Override
    public boolean equals(Object other)
    {
        return super.equals(other) && other instanceof UnixTransport that && Objects.equals(identity, that.identity);
    }

    @Override
    public int hashCode()
    {
        return super.hashCode();
    }
}
