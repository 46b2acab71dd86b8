package io.github.unixhttp.connector.internal.activation;

import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;

import io.github.unixhttp.core.internal.ListeningSocket;

/**
 * A listening socket a supervisor (s6, systemd) created and handed over. It belongs to the supervisor: it is
 * never unlinked or chmod-ed, and stopping the connector does not close it. (Closing the JDK's inherited
 * channel would also point descriptors 0, 1 and 2 at /dev/null, silencing standard output and error.) The
 * kernel keeps queueing connections until the process exits or a connector takes it up again.
 */
public final class InheritedSocket extends ListeningSocket
{
    private final String origin;

    InheritedSocket(ServerSocketChannel channel, SocketAddress localAddress, String origin)
    {
        super(channel, localAddress);
        this.origin = origin;
    }

    /**
     * Never: the supervisor keeps its socket for the next instance, whose it is to accept what is queued then.
     */
    @Override
    public boolean refuseNewConnections()
    {
        return false;
    }

    @Override
    public void close()
    {
        // The supervisor's socket: left open on purpose (see the class comment).
    }

    @Override
    public String toString()
    {
        return "unix:" + localAddress() + " (inherited on " + origin + ")";
    }
}
