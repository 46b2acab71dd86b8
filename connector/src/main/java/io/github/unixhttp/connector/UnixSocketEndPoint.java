package io.github.unixhttp.connector;

import java.net.SocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's stock endpoint, reporting addresses that make sense for a Unix socket: the path clients connect to
 * as the local address (the kernel reports the temporary name the socket was bound under), and a printable
 * remote address instead of an empty path.
 */
public class UnixSocketEndPoint extends SocketChannelEndPoint
{
    private final SocketAddress localAddress;
    private final SocketAddress remoteAddress;

    public UnixSocketEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                              SocketAddress localAddress, SocketAddress remoteAddress)
    {
        super(channel, selector, key, scheduler);
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
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
