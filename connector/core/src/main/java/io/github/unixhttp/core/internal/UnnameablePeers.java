package io.github.unixhttp.core.internal;

import java.nio.channels.SelectableChannel;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import io.github.unixhttp.core.internal.nativeedge.LeakedAcceptSweeper;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections the JDK cannot accept because it cannot name their peer: in a JVM whose file-name encoding is not
 * UTF-8 (a C/POSIX locale, usual in containers and service managers), a peer whose socket is bound to a name outside
 * that encoding makes {@code ServerSocketChannel.accept()} throw {@code InvalidPathException}, and the JDK leaks the
 * descriptor it accepted. Any local user who can connect can do it, before its credentials are read.
 *
 * <p>Such a connection is dropped and accepting goes on at once (no pause: it is not a shortage). The descriptors the
 * JDK leaked are closed by a {@link LeakedAcceptSweeper}, shortly after, one sweep for a burst, on a daemon thread
 * made at the first such connection. The log says it once per listening socket, then at most once a minute how many
 * more; the JVM says once at start that it runs in such an encoding and what fixes it.</p>
 */
public final class UnnameablePeers
{
    private static final Logger LOG = LoggerFactory.getLogger(UnnameablePeers.class);
    /** A burst of such connections is swept once, this long after its first. */
    private static final long SWEEP_DELAY_MILLIS = 50;
    /** How long a sweep waits before it closes what it found, checked again: see {@link #sweep()}. */
    private static final long RECHECK_MILLIS = 100;
    /** How long a sweep waits for the accept guard before it tries again later. */
    private static final long GUARD_WAIT_MILLIS = 1_000;
    private static final long REPORT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final AtomicBoolean START_WARNED = new AtomicBoolean();

    private final SelectableChannel channel;
    private final Object listening;
    private final ReentrantLock acceptGuard;
    private final AtomicBoolean sweepPending = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private volatile LeakedAcceptSweeper sweeper;
    private volatile boolean noSweeper;
    private long reportedDropped;
    private long lastReportNanos;

    /**
     * @param acceptGuard held by the accepting threads from {@code accept} until the connection is non-blocking; a
     *                    sweep holds it too
     */
    UnnameablePeers(SelectableChannel channel, Object listening, ReentrantLock acceptGuard)
    {
        this.channel = channel;
        this.listening = listening;
        this.acceptGuard = acceptGuard;
    }

    /**
     * Says once per JVM, at a connector's start, that the JDK cannot name every peer here, and what fixes it.
     */
    public static void warnAtStartIfTheJdkCannotNameEveryPeer(Object owner)
    {
        if (NativeEdge.canNameEveryPeer() || !START_WARNED.compareAndSet(false, true))
            return;
        LOG.warn("{}: this JVM's file-name encoding is {} (its locale is C or POSIX, or LANG and LC_ALL are unset), so the " +
            "JDK cannot accept a connection from a peer whose socket is bound to a name outside it: it throws and leaks the " +
            "descriptor (a JDK bug). Such connections are dropped and the leaked descriptors closed, but those peers cannot be " +
            "served. Start the JVM in a UTF-8 locale, e.g. LANG=C.UTF-8, to serve every peer", owner, NativeEdge.fileNameEncoding());
    }

    /** Called on the accepting thread when the JDK could not accept a connection for its peer's name. */
    void dropped()
    {
        if (dropped.incrementAndGet() == 1)
        {
            // Not the name itself: it is the peer's choice of bytes, newlines included.
            LOG.warn("{}: dropped a connection whose peer is bound to a name the JVM's file-name encoding ({}) cannot " +
                "represent; further ones are counted once a minute. Start the JVM with LANG=C.UTF-8 to serve such peers",
                listening, NativeEdge.fileNameEncoding());
        }
        if (noSweeper)
            return;
        if (sweeper == null)
        {
            LeakedAcceptSweeper made = NativeEdge.leakedAcceptSweeper(channel);
            if (made == null)
            {
                noSweeper = true;
                LOG.warn("{}: the descriptors the JDK leaks for such peers cannot be closed here, because {}: each one stays " +
                    "open until the process ends. Start the JVM with LANG=C.UTF-8", listening, NativeEdge.whyNoLeakedAcceptSweeper());
                return;
            }
            sweeper = made;
        }
        if (sweepPending.compareAndSet(false, true))
            Sweeps.EXECUTOR.schedule(this::sweep, SWEEP_DELAY_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sweep()
    {
        sweepPending.set(false);
        try
        {
            // An acceptor thread blocked in accept(2) holds the guard until a connection comes: try again later.
            if (!acceptGuard.tryLock(GUARD_WAIT_MILLIS, TimeUnit.MILLISECONDS))
            {
                if (sweepPending.compareAndSet(false, true))
                    Sweeps.EXECUTOR.schedule(this::sweep, SWEEP_DELAY_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            List<Integer> candidates;
            try
            {
                candidates = sweeper.candidates();
            }
            finally
            {
                acceptGuard.unlock();
            }
            if (!candidates.isEmpty())
            {
                // An acceptor thread makes what it accepted non-blocking a moment after accept(2): look again then.
                Thread.sleep(RECHECK_MILLIS);
                acceptGuard.lock();
                try
                {
                    closed.addAndGet(sweeper.closeStillLeaked(candidates));
                }
                finally
                {
                    acceptGuard.unlock();
                }
            }
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
        }
        catch (Throwable failure)
        {
            LOG.warn("{}: closing the descriptors the JDK leaked failed: {}", listening, failure.toString());
        }
        report();
    }

    /** On the sweeping thread only. */
    private void report()
    {
        long now = System.nanoTime();
        long total = dropped.get();
        if (total == reportedDropped || now - lastReportNanos < REPORT_INTERVAL_NANOS && reportedDropped > 0)
            return;
        if (reportedDropped > 0)
            LOG.warn("{}: {} more connections dropped for their peer's name; {} descriptors the JDK leaked closed in all",
                listening, total - reportedDropped, closed.get());
        reportedDropped = total;
        lastReportNanos = now;
    }

    /** One daemon thread for the JVM, made only once a peer could not be named. */
    private static final class Sweeps
    {
        private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(runnable ->
        {
            Thread thread = new Thread(runnable, "unixhttp-leaked-accepts");
            thread.setDaemon(true);
            return thread;
        });
    }
}
