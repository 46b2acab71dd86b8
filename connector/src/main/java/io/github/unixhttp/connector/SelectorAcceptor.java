package io.github.unixhttp.connector;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

import org.eclipse.jetty.io.ManagedSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts in a selector thread when connections are ready (accept-when-ready: no thread blocks in
 * {@code accept(2)}), draining the backlog on each wake-up. Unlike Jetty's own selector acceptor, closing it only
 * withdraws it from the selector: the listening socket stays open for its owner to close, which matters for the
 * socket file's inode check and for inherited sockets (closing the JDK's inherited channel silences stdout).
 */
final class SelectorAcceptor implements ManagedSelector.SelectorUpdate, ManagedSelector.Selectable, Closeable
{
    private static final Logger LOG = LoggerFactory.getLogger(SelectorAcceptor.class);

    /** What to do with each accepted connection. */
    interface Handoff
    {
        void accepted(SocketChannel channel) throws IOException;
    }

    private final ManagedSelector selector;
    private final ListeningSocket listening;
    private final Handoff handoff;
    private volatile SelectionKey key;

    SelectorAcceptor(ManagedSelector selector, ListeningSocket listening, Handoff handoff)
    {
        this.selector = selector;
        this.listening = listening;
        this.handoff = handoff;
    }

    void start()
    {
        selector.submit(this);
    }

    @Override
    public void update(Selector selector)
    {
        try
        {
            key = listening.channel().register(selector, SelectionKey.OP_ACCEPT, this);
        }
        catch (ClosedChannelException closed)
        {
            LOG.debug("Listening socket closed before it could be registered: {}", listening);
        }
    }

    @Override
    public Runnable onSelected()
    {
        while (true)
        {
            SocketChannel channel = null;
            try
            {
                channel = listening.accept();
                if (channel == null)
                    return null;
                handoff.accepted(channel);
            }
            catch (IOException failure)
            {
                // e.g. EMFILE: the connection stays in the backlog and the next selection retries it.
                LOG.warn("Accept failed on {}: {}", listening, failure.toString());
                closeQuietly(channel);
                return null;
            }
        }
    }

    @Override
    public void updateKey()
    {
        // Interest stays OP_ACCEPT.
    }

    @Override
    public void replaceKey(SelectionKey newKey)
    {
        key = newKey;
    }

    /** Withdraws from the selector; the listening socket is not closed. */
    @Override
    public void close()
    {
        selector.submit(ignored ->
        {
            SelectionKey current = key;
            if (current != null)
                current.cancel();
        });
    }

    private static void closeQuietly(SocketChannel channel)
    {
        try
        {
            if (channel != null)
                channel.close();
        }
        catch (IOException ignored)
        {
            // nothing more to do with a connection we could not hand over
        }
    }

    @Override
    public String toString()
    {
        return "SelectorAcceptor[" + listening + "]";
    }
}
