package io.github.unixhttp.connector.internal.activation;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.connector.internal.ListeningSocket;

/**
 * A listening socket a supervisor (s6, systemd) created and handed over. It belongs to the supervisor: it is
 * never unlinked or chmod-ed, and stopping the connector does not close it. (Closing the JDK's inherited
 * channel would also point descriptors 0, 1 and 2 at /dev/null, silencing standard output and error.) The
 * kernel keeps queueing connections until the process exits or a connector takes it up again.
 */
public final class InheritedSocket implements ListeningSocket
{
    private final ServerSocketChannel channel;
    private final SocketAddress localAddress;
    private final String origin;

    InheritedSocket(ServerSocketChannel channel, SocketAddress localAddress, String origin)
    {
        this.channel = channel;
        this.localAddress = localAddress;
        this.origin = origin;
    }

    @Override
    public SelectableChannel channel()
    {
        return channel;
    }

    @Override
    public SocketChannel accept() throws IOException
    {
        return channel.accept();
    }

    @Override
    public SocketAddress localAddress()
    {
        return localAddress;
    }

    @Override
    public void close()
    {
        // The supervisor's socket: left open on purpose (see the class comment).
    }

    @Override
    public String toString()
    {
        return "unix:" + localAddress + " (inherited on " + origin + ")";
    }
}
