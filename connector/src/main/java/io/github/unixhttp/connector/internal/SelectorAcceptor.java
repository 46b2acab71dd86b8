package io.github.unixhttp.connector.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts in a selector thread when connections are ready (accept-when-ready: no thread blocks in
 * {@code accept(2)}), draining the backlog on each wake-up. Unlike Jetty's own selector acceptor, closing it only
 * withdraws it from the selector: the listening socket stays open for its owner to close, which matters for the
 * socket file's inode check and for inherited sockets (closing the JDK's inherited channel silences stdout).
 *
 * <p>When {@code accept(2)} fails (out of descriptors, say) the connection stays in the backlog and the socket
 * stays ready, so the selector would wake at once, forever: instead the acceptor withdraws its interest for the
 * {@link AcceptBackoff} pause and then takes it up again.</p>
 */
public final class SelectorAcceptor implements ManagedSelector.SelectorUpdate, ManagedSelector.Selectable, Closeable
{
    private static final Logger LOG = LoggerFactory.getLogger(SelectorAcceptor.class);

    /** What to do with each accepted connection. */
    public interface Handoff
    {
        void accepted(SocketChannel channel) throws IOException;
    }

    private final ManagedSelector selector;
    private final ListeningSocket listening;
    private final Handoff handoff;
    private final Scheduler scheduler;
    private final AcceptBackoff backoff;
    private volatile SelectionKey key;
    private volatile boolean closed;

    public SelectorAcceptor(ManagedSelector selector, ListeningSocket listening, Handoff handoff, Scheduler scheduler, AcceptBackoff backoff)
    {
        this.selector = selector;
        this.listening = listening;
        this.handoff = handoff;
        this.scheduler = scheduler;
        this.backoff = backoff;
    }

    public void start()
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
            // Closed while the selector still had the key: accept nothing more (the cancel follows on this thread).
            if (closed)
                return null;
            SocketChannel channel;
            try
            {
                channel = listening.accept();
            }
            catch (ClosedChannelException closing)
            {
                return null;
            }
            catch (IOException failure)
            {
                pause(backoff.failed(failure));
                return null;
            }
            if (channel == null)
                return null;
            backoff.succeeded();
            handOff(channel);
        }
    }

    private void handOff(SocketChannel channel)
    {
        handOff(handoff, channel, listening);
    }

    /** Hands one accepted connection off; one that cannot be set up is closed, and accepting goes on. */
    static void handOff(Handoff handoff, SocketChannel channel, ListeningSocket listening)
    {
        try
        {
            handoff.accepted(channel);
        }
        catch (IOException failure)
        {
            // This one connection could not be set up (its peer may already be gone); accepting goes on.
            LOG.debug("Could not set up a connection accepted on {}: {}", listening, failure.toString());
            closeQuietly(channel);
        }
    }

    /** On the selector thread: no interest until the pause is over, then interest again (or a new failure). */
    private void pause(long millis)
    {
        SelectionKey current = key;
        if (current == null || !current.isValid())
            return;
        current.interestOps(0);
        scheduler.schedule(() -> selector.submit(ignored -> resume()), millis, TimeUnit.MILLISECONDS);
    }

    private void resume()
    {
        SelectionKey current = key;
        if (closed || current == null || !current.isValid())
            return;
        try
        {
            current.interestOps(SelectionKey.OP_ACCEPT);
        }
        catch (CancelledKeyException cancelled)
        {
            LOG.debug("Acceptor closed while paused: {}", listening);
        }
    }

    @Override
    public void updateKey()
    {
        // Interest is OP_ACCEPT, or none while paused: set where it changes.
    }

    @Override
    public void replaceKey(SelectionKey newKey)
    {
        key = newKey;
    }

    /**
     * Withdraws from the selector; the listening socket is not closed. Nothing is accepted once this returns, but for
     * a connection being accepted at that very moment.
     */
    @Override
    public void close()
    {
        closed = true;
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
