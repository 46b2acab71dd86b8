package io.github.unixhttp.connector.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's open listening socket and the way its connections are taken: by acceptor threads blocking in
 * {@code accept(2)}, or by a selector when they are ready, which can be withdrawn and taken up again (Jetty's
 * {@code setAccepting}), and which a takeover's drain or a graceful stop ends by taking what is left in the backlog.
 * Either way it takes none before its {@link ServingGate} opens, and pauses after a failed accept (see {@link
 * AcceptBackoff}). Made at each start of the connector, closed by its stop.
 */
public final class AcceptingSocket implements Closeable
{
    private static final Logger LOG = LoggerFactory.getLogger(AcceptingSocket.class);
    /** At most this long for the selectors to open what a stop accepted from the backlog (normally microseconds). */
    private static final long QUEUED_OPEN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final ListeningSocket listening;
    private final boolean acceptorThreads;
    private final SelectorAcceptor.Handoff handoff;
    private final Supplier<ManagedSelector> selectors;
    private final Scheduler scheduler;
    private final BooleanSupplier connectorAccepting;
    private final AcceptBackoff backoff;
    private final ServingGate gate = new ServingGate(this::acceptInSelectorIfAccepting);
    private final AtomicReference<SelectorAcceptor> inSelector = new AtomicReference<>();
    /** Closed once: a takeover's drain and a stop may close at the same time. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set by {@link #acceptWhatIsLeft()}: accepting in the selector does not come back. */
    private volatile boolean drained;

    /**
     * @param listening the opened socket, closed by {@link #close()}
     * @param acceptorThreads whether acceptor threads take the connections ({@link #acceptOnThread}), else a selector
     * @param handoff what to do with each accepted connection
     * @param selectors the selector to accept in, when the connector has no acceptor threads
     * @param scheduler for the pause after a failed accept in the selector
     * @param connectorAccepting whether the connector takes connections now (Jetty's {@code isAccepting()})
     * @throws IOException if the socket's blocking mode cannot be set; the socket is closed then
     */
    public AcceptingSocket(ListeningSocket listening, boolean acceptorThreads, SelectorAcceptor.Handoff handoff,
                           Supplier<ManagedSelector> selectors, Scheduler scheduler, BooleanSupplier connectorAccepting)
        throws IOException
    {
        this.listening = listening;
        this.acceptorThreads = acceptorThreads;
        this.handoff = handoff;
        this.selectors = selectors;
        this.scheduler = scheduler;
        this.connectorAccepting = connectorAccepting;
        this.backoff = new AcceptBackoff(listening);
        try
        {
            // Supervisors may hand over a non-blocking socket; acceptor threads need a blocking one.
            listening.channel().configureBlocking(acceptorThreads);
        }
        catch (IOException failure)
        {
            closeQuietly("that could not be set up");
            throw failure;
        }
    }

    /** @return the listening socket */
    public ListeningSocket listening()
    {
        return listening;
    }

    /** @return the listening channel, or {@code null} once closed */
    public Object transport()
    {
        return closed.get() ? null : listening.channel();
    }

    /** @return the address clients connect to, which requests report as their local address */
    public SocketAddress localAddress()
    {
        return listening.localAddress();
    }

    /**
     * At the connector's start, once Jetty's is done: connections are taken from when {@code server} has started, or
     * at once if it is not starting (see {@link ServingGate}).
     */
    public void serveOnceStarted(Server server)
    {
        gate.arm(server);
    }

    /** At the connector's stop: no connection is taken any more, nor waited for. */
    public void stopServing()
    {
        gate.disarm();
    }

    /**
     * Accepts one connection on the calling acceptor thread, once the gate is open, and hands it off. A connection
     * that cannot be set up (its peer gone already) is closed; the acceptor goes on.
     *
     * @param running whether the connector runs: while it does, the thread waits for the gate
     * @param serving whether the connector runs and is not stopping: a failure after that is the stop's doing
     */
    public void acceptOnThread(BooleanSupplier running, BooleanSupplier serving) throws IOException
    {
        if (!gate.awaitOpen(running))
            return;
        SocketChannel channel = backoff.acceptOnThread(closed.get() ? null : listening, serving);
        if (channel != null)
            SelectorAcceptor.handOff(handoff, channel, listening);
    }

    /**
     * Jetty's {@code setAccepting}: without acceptor threads, withdraws from the selector (connections wait in the
     * backlog) or accepts there again. Acceptor threads wait in Jetty's own loop.
     */
    public void setAccepting(boolean accepting)
    {
        if (acceptorThreads || !gate.isOpen())
            return;
        if (accepting)
            acceptInSelector();
        else
            stopAcceptingInSelector();
    }

    private void acceptInSelectorIfAccepting()
    {
        if (!acceptorThreads && connectorAccepting.getAsBoolean())
            acceptInSelector();
    }

    /** Accepts in a selector whenever connections are ready, until {@link #stopAcceptingInSelector()}. */
    private void acceptInSelector()
    {
        // After acceptWhatIsLeft the socket may refuse new connections (SHUT_RD), which leaves it readable for good:
        // the selector would wake for it at once, forever.
        if (closed.get() || drained || inSelector.get() != null)
            return;
        SelectorAcceptor acceptor = new SelectorAcceptor(selectors.get(), listening, handoff, scheduler, backoff);
        if (inSelector.compareAndSet(null, acceptor))
            acceptor.start();
    }

    /** Withdraws from the selector; the socket stays open, and connections wait in its backlog. */
    private void stopAcceptingInSelector()
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
        if (closed.get() || acceptorThreads)
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

    /**
     * The beginning of a graceful stop: refuses new connections, accepts what the kernel had already queued in the
     * backlog (closing would reset them: a failed request for a proxy), waits until the selectors have opened those
     * (see {@code JettyCallOrder.Assumption.SHUTDOWN_IS_DONE_WHEN_THE_LAST_ENDPOINT_CLOSES}), then closes. With
     * acceptor threads, or where new connections cannot be refused first (an abstract name whose descriptor this JVM
     * may not reach), it closes at once.
     *
     * @param openedEndPoints how many endpoints the connector's selectors have opened so far
     */
    public void acceptQueuedThenClose(LongSupplier openedEndPoints)
    {
        try
        {
            if (!closed.get() && !acceptorThreads && listening.refuseNewConnections())
            {
                long opened = openedEndPoints.getAsLong();
                int queued = acceptWhatIsLeft();
                long deadline = System.nanoTime() + QUEUED_OPEN_WAIT_NANOS;
                while (openedEndPoints.getAsLong() < opened + queued && System.nanoTime() - deadline < 0)
                    Thread.sleep(1);
            }
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
        }
        finally
        {
            closeQuietly("at the start of its stop");
        }
    }

    /** Stops accepting and closes the listening socket (removing its file if still ours); idempotent. */
    @Override
    public void close() throws IOException
    {
        gate.disarm();
        if (!closed.compareAndSet(false, true))
            return;
        stopAcceptingInSelector();
        listening.close();
    }

    /** {@link #close()}, logging a failure: {@code when} says what was closing. */
    private void closeQuietly(String when)
    {
        try
        {
            close();
        }
        catch (IOException | RuntimeException failure)
        {
            LOG.warn("Closing the listening socket {} {}: {}", listening, when, failure.toString());
        }
    }

    @Override
    public String toString()
    {
        return listening.toString();
    }
}
