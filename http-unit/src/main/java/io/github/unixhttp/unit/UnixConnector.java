package io.github.unixhttp.unit;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import io.github.unixhttp.connector.internal.nativeedge.NativeEdge;

/**
 * Opens client connections to a Unix endpoint, honouring a connect timeout even when the server's backlog is full
 * (a blocking {@code connect(2)} would wait forever; a non-blocking one fails at once with EAGAIN, so it is
 * retried until the deadline). The {@link ServerIdentityCheck} looks at the socket file before each attempt and at
 * the server's credentials once connected.
 */
public final class UnixConnector
{
    private UnixConnector()
    {
    }

    /**
     * @param timeout how long to try; zero or negative waits as long as it takes
     * @return a connected channel in non-blocking mode: a JDK channel for a path, a jnr channel for an abstract name
     * @throws SocketTimeoutException if the server did not take the connection in time
     * @throws ServerIdentityException if the server is not the one {@code identity} requires
     * @throws SocketFileException if what is at the socket path is refused (a link, not a socket, another owner)
     */
    public static SocketChannel connect(UnixEndpoint endpoint, Duration timeout, ServerIdentityCheck identity) throws IOException
    {
        long start = System.nanoTime();
        long budget = ConnectRetry.budgetNanos(timeout);
        long pause = ConnectRetry.FIRST_PAUSE_NANOS;
        while (true)
        {
            if (!endpoint.isAbstract())
                identity.verifyPath(endpoint.path());
            SocketChannel channel = endpoint.isAbstract() ? NativeEdge.openAbstractNameClient() : SocketChannel.open(StandardProtocolFamily.UNIX);
            try
            {
                channel.configureBlocking(false);
                if (tryConnect(channel, endpoint))
                {
                    identity.verify(channel, endpoint.toString());
                    return channel;
                }
                channel.close();
            }
            catch (IOException | RuntimeException failure)
            {
                channel.close();
                throw failure;
            }
            // A failed connect closes the channel: the next attempt needs a new one.
            if (ConnectRetry.wouldOverrun(start, budget, pause))
                throw ConnectRetry.timedOut(endpoint, timeout);
            LockSupport.parkNanos(pause);
            pause = ConnectRetry.nextPause(pause);
        }
    }

    /**
     * @return true once connected; false if the backlog is full and it is worth trying again
     */
    private static boolean tryConnect(SocketChannel channel, UnixEndpoint endpoint) throws IOException
    {
        try
        {
            boolean connected = endpoint.isAbstract()
                ? channel.connect(NativeEdge.abstractNameAddress(endpoint.abstractName()))
                : channel.connect(UnixDomainSocketAddress.of(endpoint.path()));
            return connected || channel.finishConnect();
        }
        catch (ConnectException refused)
        {
            throw new ConnectException("Cannot connect to unix:" + endpoint + ": " + refused.getMessage() + " (is the server running?)");
        }
        catch (IOException failure)
        {
            if (ConnectRetry.isBacklogFull(failure))
                return false;
            throw failure;
        }
    }
}
