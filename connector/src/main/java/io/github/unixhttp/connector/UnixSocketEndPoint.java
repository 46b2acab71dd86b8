package io.github.unixhttp.connector;

import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's stock endpoint, reporting addresses that make sense for a Unix socket: the path clients connect to
 * as the local address (the kernel reports the temporary name the socket was bound under), and a printable
 * remote address instead of an empty path. It also carries the peer's credentials, read once at accept.
 */
public class UnixSocketEndPoint extends SocketChannelEndPoint
{
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;
    private final PeerCredentials peerCredentials;

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
