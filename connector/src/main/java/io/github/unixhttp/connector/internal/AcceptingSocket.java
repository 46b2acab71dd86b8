package io.github.unixhttp.connector.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's open listening socket and the way its connections are taken: by acceptor threads blocking in
 * {@code accept(2)}, or by a selector when they are ready, which can be withdrawn and taken up again (Jetty's
 * {@code setAccepting}), and which a takeover's drain ends by taking what is left in the backlog. Both ways pause
 * after a failed accept (see {@link AcceptBackoff}).
 */
public final class AcceptingSocket implements Closeable
{
    private static final Logger LOG = LoggerFactory.getLogger(AcceptingSocket.class);

    private final ListeningSocket listening;
    private final SelectorAcceptor.Handoff handoff;
    private final AcceptBackoff backoff;
    private final AtomicReference<SelectorAcceptor> inSelector = new AtomicReference<>();
    private volatile boolean closed;
    /** Set by {@link #acceptWhatIsLeft()}: accepting in the selector does not come back. */
    private volatile boolean drained;

    /**
     * @param listening the opened socket, closed by {@link #close()}
     * @param handoff what to do with each connection accepted in the selector
     */
    public AcceptingSocket(ListeningSocket listening, SelectorAcceptor.Handoff handoff)
    {
        this.listening = listening;
        this.handoff = handoff;
        this.backoff = new AcceptBackoff(listening);
    }

    /** @return the listening socket */
    public ListeningSocket listening()
    {
        return listening;
    }

    /**
     * Accepts on the calling acceptor thread.
     *
     * @param serving whether the connector runs and is not stopping: a failure after that is the stop's doing
     * @return the accepted connection, or {@code null} if there is none to serve now
     */
    public SocketChannel acceptOnThread(BooleanSupplier serving) throws IOException
    {
        return backoff.acceptOnThread(closed ? null : listening, serving);
    }

    /** Accepts in {@code selector} whenever connections are ready, until {@link #stopAcceptingInSelector()}. */
    public void acceptInSelector(ManagedSelector selector, Scheduler scheduler)
    {
        // After acceptWhatIsLeft the socket may refuse new connections (SHUT_RD), which leaves it readable for good:
        // the selector would wake for it at once, forever.
        if (closed || drained || inSelector.get() != null)
            return;
        SelectorAcceptor acceptor = new SelectorAcceptor(selector, listening, handoff, scheduler, backoff);
        if (inSelector.compareAndSet(null, acceptor))
            acceptor.start();
    }

    /** Withdraws from the selector; the socket stays open, and connections wait in its backlog. */
    public void stopAcceptingInSelector()
    {
        SelectorAcceptor acceptor = inSelector.getAndSet(null);
        if (acceptor != null)
            acceptor.close();
    }

    /**
     * For the drain after a takeover or before a stop: stops accepting in the selector, then accepts, on the calling
     * thread, what is still in the backlog, so that the socket is closed with nothing queued. Acceptor threads (a
     * blocking socket) take connections as they come until the socket closes: nothing is done here then.
     *
     * @return how many connections were accepted and handed off
     */
    public int acceptWhatIsLeft()
    {
        drained = true;
        stopAcceptingInSelector();
        int accepted = 0;
        if (closed || listening.channel().isBlocking())
            return accepted;
        try
        {
            for (SocketChannel channel = listening.accept(); channel != null; channel = listening.accept())
            {
                accepted++;
                SelectorAcceptor.handOff(handoff, channel, listening);
            }
        }
        catch (IOException failure)
        {
            LOG.warn("{}: accepting what was left in the backlog failed: {}", listening, failure.toString());
        }
        return accepted;
    }

    /** Stops accepting and closes the listening socket (removing its file if still ours); idempotent. */
    @Override
    public void close() throws IOException
    {
        closed = true;
        stopAcceptingInSelector();
        listening.close();
    }

    @Override
    public String toString()
    {
        return listening.toString();
    }
}
