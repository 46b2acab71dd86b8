package io.github.unixhttp.core.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.InvalidPathException;
import java.util.concurrent.locks.ReentrantLock;

import io.github.unixhttp.core.internal.nativeedge.NativeEdge;

/**
 * A listening Unix stream socket, however it came to be: bound at a path ({@code binding}), bound to an abstract
 * name ({@code nativeedge}), or handed over by a supervisor ({@code activation}). The connector accepts from it
 * and closes it on stop; what closing does (remove our file, nothing, keep the supervisor's socket open) is up
 * to each kind.
 */
public abstract class ListeningSocket implements Closeable
{
    private final SelectableChannel channel;
    private final SocketAddress localAddress;
    private final UnnameablePeers unnameablePeers;
    /** Fair: a sweep waiting for it comes before the next accept (see {@link #accept()}). */
    private final ReentrantLock acceptGuard = new ReentrantLock(true);
    private static final boolean NAMES_EVERY_PEER = NativeEdge.canNameEveryPeer();

    /**
     * @param channel a JDK {@link ServerSocketChannel}, or another kind that overrides {@link #accept()}
     * @param localAddress what requests report as their local address
     */
    protected ListeningSocket(SelectableChannel channel, SocketAddress localAddress)
    {
        this.channel = channel;
        this.localAddress = localAddress;
        this.unnameablePeers = new UnnameablePeers(channel, this, acceptGuard);
    }

    /**
     * @return the channel to register with a selector, or to put in blocking mode for acceptor threads
     */
    public final SelectableChannel channel()
    {
        return channel;
    }

    /**
     * @return the next connection; {@code null} if the channel is non-blocking and none is waiting. A connection
     *         the JDK cannot accept for its peer's name is dropped and the next one taken (see {@link UnnameablePeers});
     *         in a JVM where that can happen, the connection returned is already non-blocking. Kinds that override this
     *         (jnr's channels) name no peer, so the JDK's failure cannot happen there
     */
    public SocketChannel accept() throws IOException
    {
        if (NAMES_EVERY_PEER)
            return ((ServerSocketChannel)channel).accept();
        // Where the JDK may fail to name a peer (and leak its descriptor), each accepted connection is made
        // non-blocking under the accept guard: a sweep, which holds it, tells a leaked descriptor (still blocking) from
        // the connections in use (see LeakedAcceptSweeper). A blocking socket (acceptor threads) is not held while it
        // waits for a connection; the sweep checks its candidates twice, a moment apart, for that case.
        boolean waits = channel.isBlocking();
        while (true)
        {
            if (!waits)
                acceptGuard.lock();
            try
            {
                SocketChannel accepted;
                try
                {
                    accepted = ((ServerSocketChannel)channel).accept();
                }
                catch (InvalidPathException unnameablePeer)
                {
                    // Each one took a connection off the backlog, so this ends when the backlog does.
                    unnameablePeers.dropped();
                    continue;
                }
                if (accepted != null)
                    nonBlocking(accepted, waits);
                return accepted;
            }
            finally
            {
                if (!waits)
                    acceptGuard.unlock();
            }
        }
    }

    private void nonBlocking(SocketChannel accepted, boolean takeGuard) throws IOException
    {
        if (takeGuard)
            acceptGuard.lock();
        try
        {
            accepted.configureBlocking(false);
        }
        catch (IOException | RuntimeException failure)
        {
            accepted.close();
            throw failure;
        }
        finally
        {
            if (takeGuard)
                acceptGuard.unlock();
        }
    }

    /**
     * @return what requests report as their local address
     */
    public final SocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * For a stop that loses nothing: new connections are refused from now on, while those the kernel has queued can
     * still be accepted (see {@code NativeEdge.refuseNewConnections}).
     *
     * @return whether new connections are refused now; {@code false} if they cannot be (then close it as it is)
     */
    public boolean refuseNewConnections()
    {
        return NativeEdge.refuseNewConnections(channel);
    }

    /**
     * @return whether its channels need jnr's own selector rather than the JDK's (abstract names)
     */
    public boolean needsNativeSelector()
    {
        return false;
    }

    /** Closes the channel; kinds that own more (a file) or less (a supervisor's socket) say otherwise. */
    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    @Override
    public String toString()
    {
        return "unix:" + localAddress;
    }
}
