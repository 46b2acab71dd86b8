package io.github.unixhttp.connector;

import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's stock endpoint, reporting addresses that make sense for a Unix socket: the path clients connect to
 * as the local address (the kernel reports the temporary name the socket was bound under), and a printable
 * remote address instead of an empty path. It also carries the peer's credentials, read once at accept, and
 * counts the requests in progress on it, so that a graceful stop can tell busy connections from idle ones.
 */
public class UnixSocketEndPoint extends SocketChannelEndPoint
{
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private final PeerCredentials peerCredentials;
    private final AtomicInteger exchangesInProgress = new AtomicInteger();

    /**
     * @param peerCredentials the peer's credentials as read at accept, or {@code null} if they were not read
     */
    public UnixSocketEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                              SocketAddress localAddress, SocketAddress remoteAddress, PeerCredentials peerCredentials)
    {
        super(channel, selector, key, scheduler);
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.peerCredentials = peerCredentials;
    }

    /**
     * @return who connected, as the kernel recorded it at {@code connect(2)}; {@code null} if not read
     */
    public PeerCredentials getPeerCredentials()
    {
        return peerCredentials;
    }

    /**
     * @return the endpoint itself, or the one a wrapping endpoint (such as the PROXY protocol's) stands for;
     *         {@code null} if the connection did not come through a {@link UnixSocketConnector}
     */
    public static UnixSocketEndPoint unwrap(EndPoint endPoint)
    {
        EndPoint current = endPoint;
        while (current instanceof EndPoint.Wrapper wrapper && !(current instanceof UnixSocketEndPoint))
            current = wrapper.unwrap();
        return current instanceof UnixSocketEndPoint unixEndPoint ? unixEndPoint : null;
    }

    /**
     * @return whether a request on this connection is being handled, or its response is still being sent
     */
    public boolean isExchangeInProgress()
    {
        return exchangesInProgress.get() > 0;
    }

    void exchangeStarted()
    {
        exchangesInProgress.incrementAndGet();
    }

    /**
     * @return whether that was the last exchange in progress (HTTP/2 runs several at once)
     */
    boolean exchangeEnded()
    {
        return exchangesInProgress.decrementAndGet() == 0;
    }

    @Override
    public SocketAddress getLocalSocketAddress()
    {
        return localAddress;
    }

    @Override
    public SocketAddress getRemoteSocketAddress()
    {
        return remoteAddress;
    }
}
