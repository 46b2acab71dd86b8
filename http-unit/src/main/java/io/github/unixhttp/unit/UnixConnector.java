package io.github.unixhttp.unit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.github.unixhttp.connector.nativeedge.NativeEdge;

/**
 * Opens client connections to a Unix endpoint, honouring a connect timeout even when the server's backlog is full
 * (a blocking {@code connect(2)} would wait forever; a non-blocking one fails at once with EAGAIN, so it is
 * retried until the deadline), then checks the server's identity.
 */
public final class UnixConnector
{
    private static final long FIRST_RETRY_NANOS = 100_000;
    private static final long MAX_RETRY_NANOS = 20_000_000;

    private UnixConnector()
    {
    }

    /**
     * @param timeout how long to try; zero or negative waits as long as it takes
     * @return a connected channel in non-blocking mode: a JDK channel for a path, a jnr channel for an abstract name
     * @throws SocketTimeoutException if the server did not take the connection in time
     * @throws ServerIdentityException if the server is not the one {@code identity} requires
     */
    public static SocketChannel connect(UnixEndpoint endpoint, Duration timeout, ServerIdentityCheck identity) throws IOException
    {
        SocketChannel channel = endpoint.isAbstract() ? NativeEdge.openAbstractNameClient() : SocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.configureBlocking(false);
            connectBefore(channel, endpoint, deadline(timeout), timeout);
            identity.verify(channel, endpoint.toString());
            return channel;
        }
        catch (IOException | RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
    }

    private static long deadline(Duration timeout)
    {
        return timeout == null || timeout.isZero() || timeout.isNegative() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    }

    private static void connectBefore(SocketChannel channel, UnixEndpoint endpoint, long deadline, Duration timeout) throws IOException
    {
        long pause = FIRST_RETRY_NANOS;
        while (true)
        {
            try
            {
                boolean connected = endpoint.isAbstract()
                    ? channel.connect(NativeEdge.abstractNameAddress(endpoint.abstractName()))
                    : channel.connect(UnixDomainSocketAddress.of(endpoint.path()));
                if (connected || channel.finishConnect())
                    return;
            }
            catch (ConnectException refused)
            {
                throw new ConnectException("Cannot connect to unix:" + endpoint + ": " + refused.getMessage() +
                    " (is the server running?)");
            }
            catch (SocketException busy)
            {
                if (!isBacklogFull(busy))
                    throw busy;
            }
            catch (IOException jnrBusy)
            {
                if (!isBacklogFull(jnrBusy))
                    throw jnrBusy;
            }
            if (System.nanoTime() + pause > deadline)
                throw new SocketTimeoutException("Connect to unix:" + endpoint + " timed out after " + timeout.toMillis() +
                    " ms: the server is not accepting (its backlog is full)");
            java.util.concurrent.locks.LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, MAX_RETRY_NANOS);
        }
    }

    private static boolean isBacklogFull(IOException failure)
    {
        String message = String.valueOf(failure.getMessage());
        return message.contains("temporarily unavailable") || message.contains("EAGAIN") || message.contains("would block");
    }
}
