package io.github.unixhttp.connector;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's stock endpoint, reporting addresses that make sense for a Unix socket: the path clients connect to
 * as the local address (the kernel reports the temporary name the socket was bound under), and a printable
 * remote address instead of an empty path. It also carries the peer's credentials, read once at accept, and
 * counts the requests in progress on it, so that a graceful stop can tell busy connections from idle ones (and
 * sets its own idle timeout as that count changes during one).
 *
 * <p>A connecting client has almost always written its request by the time the connection is set up, so the
 * first time its connection asks to be told when there is something to read (from its {@code onOpen}), the endpoint
 * holds that interest instead of registering it with the selector; once the connection is open the held interest
 * is answered on the same thread ({@link #opened()}): the connection reads, and if the request is there it is
 * served without a selector wake-up, an {@code epoll_ctl} and a hand-off to another thread. If nothing is there
 * yet, the read finds nothing and the connection asks again, and that interest goes to the selector as usual.</p>
 *
 * <p>At the other end, an HTTP/1 connection that has sent its last response is closed at once instead of waiting
 * for the client to close first: on a Unix socket nothing written is lost by closing, and the wait costs a selector
 * round trip per connection.</p>
 */
public class UnixSocketEndPoint extends SocketChannelEndPoint
{
    private static final AtomicIntegerFieldUpdater<UnixSocketEndPoint> EXCHANGES =
        AtomicIntegerFieldUpdater.newUpdater(UnixSocketEndPoint.class, "exchangesInProgress");
    private static final AtomicIntegerFieldUpdater<UnixSocketEndPoint> FIRST_FILL =
        AtomicIntegerFieldUpdater.newUpdater(UnixSocketEndPoint.class, "firstFill");
    /** {@link #firstFill}: the connection is being opened; its first fill interest was held; it is open. */
    private static final int OPENING = 0;
    private static final int HELD = 1;
    private static final int OPEN = 2;

    /** How much a closing HTTP/1 connection reads of what its client sent after the last request, at most. */
    private static final int MAX_DRAIN_READS = 16;
    /**
     * Where drained bytes go: a few buffers, each used under its own lock and picked by thread (not one per thread:
     * that would keep memory for every pool thread that ever closed a connection).
     */
    private static final ByteBuffer[] DRAIN_SCRATCH = new ByteBuffer[8];
    private static final Exception CLOSED_AFTER_LAST_RESPONSE = new ClosedAfterLastResponse();
    /** What Jetty's own Unix connector reports for an unbound client (the usual kind); so do we. */
    private static final UnixDomainSocketAddress UNNAMED_PEER = UnixDomainSocketAddress.of("");

    static
    {
        for (int i = 0; i < DRAIN_SCRATCH.length; i++)
            DRAIN_SCRATCH[i] = ByteBuffer.allocateDirect(1024);
    }

    /**
     * Every field here is paid for by every connection, idle ones included: the remote address is not kept, since
     * the channel keeps it (as Jetty's own endpoint asks it), and counters are fields with updaters rather than
     * atomic objects. With these four the endpoint is 120 bytes, Jetty's 104.
     */
    private final SocketAddress localAddress;
    private final PeerCredentials peerCredentials;
    private volatile int exchangesInProgress;
    private volatile int firstFill;
    /**
     * Whether the server runs its blocking tasks on virtual threads: then the first request is served in place only if
     * the opening thread is itself virtual (a {@code VirtualThreadPool}), else a handler the application wants on a
     * virtual thread would run on a pooled platform thread.
     */
    private final boolean virtualThreads;

    /**
     * @param localAddress the address clients connect to (the kernel reports the name the socket was bound under)
     * @param peerCredentials the peer's credentials as read at accept, or {@code null} if they were not read
     */
    public UnixSocketEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                              SocketAddress localAddress, PeerCredentials peerCredentials)
    {
        this(channel, selector, key, scheduler, localAddress, peerCredentials, false);
    }

    /**
     * @param virtualThreads whether the server's executor runs blocking tasks on virtual threads
     *                       ({@code VirtualThreads.isUseVirtualThreads(executor)})
     */
    public UnixSocketEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                              SocketAddress localAddress, PeerCredentials peerCredentials, boolean virtualThreads)
    {
        super(channel, selector, key, scheduler);
        this.localAddress = localAddress;
        this.peerCredentials = peerCredentials;
        this.virtualThreads = virtualThreads;
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
        return exchangesInProgress > 0;
    }

    /**
     * A request on this connection began: called by the {@link UnixSocketCustomizer} once its head is parsed (see
     * {@code JettyCallOrder.Assumption.EXCHANGE_ENDS_BEFORE_THE_NEXT_READ}). On a connection that a graceful stop
     * found idle, and gave the shutdown idle timeout, the request is served with the usual patience.
     *
     * @param connector the connector the request came through, as the request's connection metadata says
     */
    void exchangeStarted(AbstractConnector connector)
    {
        EXCHANGES.incrementAndGet(this);
        if (connector.isShutdown())
            setIdleTimeout(connector.getIdleTimeout());
    }

    /**
     * A response is complete (HTTP/2 runs several exchanges at once): once none is left during a graceful stop, the
     * connection gets the shutdown idle timeout, as the stop gave it to the connections it found idle.
     */
    void exchangeEnded(AbstractConnector connector)
    {
        if (EXCHANGES.decrementAndGet(this) == 0 && connector.isShutdown() && connector.getShutdownIdleTimeout() >= 0)
            setIdleTimeout(connector.getShutdownIdleTimeout());
    }

    /**
     * Holds the fill interest a connection asks for while it is being opened (see the class comment); closes an HTTP/1
     * connection that is only waiting for the client to close (see {@link #closeInsteadOfLingering}). Both rely on
     * Jetty's order of calls: {@code JettyCallOrder.Assumption.SELECTOR_OPENS_ENDPOINT_THEN_CONNECTION} and {@code
     * LAST_RESPONSE_SHUTS_OUTPUT_THEN_ASKS_TO_READ}.
     */
    @Override
    protected void needsFillInterest()
    {
        if (firstFill == OPENING && (!virtualThreads || VirtualThreads.isVirtualThread()) && FIRST_FILL.compareAndSet(this, OPENING, HELD))
            return;
        if (isOutputShutdown() && !isInputShutdown() && !isExchangeInProgress() && getConnection() instanceof HttpConnection)
        {
            closeInsteadOfLingering();
            return;
        }
        super.needsFillInterest();
    }

    /**
     * After its last response ({@code Connection: close}, HTTP/1.0) Jetty's HTTP/1 connection shuts its output and
     * waits for the client's end of stream before it closes: a lingering close, which on TCP keeps a client that is
     * still sending from getting a reset that would discard the response in its receive buffer. A Unix socket puts
     * what we write in the client's queue at once, and closing it never discards that: so close now, after reading
     * what the client has sent meanwhile (so that it reads an end of stream rather than a reset), instead of another
     * selector registration, wake-up, dispatch and read of the end of stream (and the two exceptions Jetty's
     * connection makes when that read finds its parser closed). Anything the client sends after this close was
     * never going to be answered; its write fails as it would once Jetty closed.
     */
    private void closeInsteadOfLingering()
    {
        ByteBuffer scratch = DRAIN_SCRATCH[(int)Thread.currentThread().getId() & (DRAIN_SCRATCH.length - 1)];
        synchronized (scratch)
        {
            try
            {
                for (int reads = 0; reads < MAX_DRAIN_READS; reads++)
                {
                    scratch.clear();
                    if (getChannel().read(scratch) <= 0)
                        break;
                }
            }
            catch (IOException failed)
            {
                // Closing anyway: nothing more is to be read or written on this connection.
            }
        }
        // The connection hears that its interest failed (and closes, its output being shut) from a shared exception
        // rather than from the ClosedChannelException, with a stack trace, that a plain close would make.
        getFillInterest().onFail(CLOSED_AFTER_LAST_RESPONSE);
        close();
    }

    /** Shared by every connection: no stack trace, and no suppressed exceptions can be added to it. */
    private static final class ClosedAfterLastResponse extends Exception
    {
        private static final long serialVersionUID = 1L;

        ClosedAfterLastResponse()
        {
            super("closed after its last response, without waiting for the client's end of stream", null, false, false);
        }
    }

    /**
     * Called once the connection is open, on the thread that opened it: answers a held fill interest there, so that
     * a request already written is read and served at once; from now on interests go to the selector.
     */
    void opened()
    {
        if (FIRST_FILL.getAndSet(this, OPEN) != HELD || !isOpen())
            return;
        try
        {
            getFillInterest().fillable();
        }
        catch (Throwable failure)
        {
            // Jetty's HttpConnection handles its own failures; other connections may not. Here, on the opening
            // thread, an escaping one would be taken for a failed accept and leave this endpoint open until its
            // idle timeout: close it as its selector would.
            close(failure);
        }
    }

    @Override
    public SocketAddress getLocalSocketAddress()
    {
        return localAddress;
    }

    /**
     * @return the client's address: the path it bound to, or (the usual kind, and for channels that report another
     *         type of address, or once closed) an empty path, as Jetty's own Unix connector reports it
     */
    @Override
    public SocketAddress getRemoteSocketAddress()
    {
        try
        {
            // The JDK's channel answers from the address it recorded at accept: no system call.
            SocketAddress remote = getChannel().getRemoteAddress();
            return remote instanceof UnixDomainSocketAddress ? remote : UNNAMED_PEER;
        }
        catch (IOException closed)
        {
            return UNNAMED_PEER;
        }
    }
}
