package io.github.unixhttp.connector.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long to stop accepting after {@code accept(2)} fails, e.g. with {@code EMFILE} when the process is out of
 * descriptors: the connection stays in the backlog, so accepting again at once would fail again at once, a busy
 * loop that also floods the log. The pause starts at 10 ms and doubles up to 1 s while failures go on; one
 * success ends the episode. The log says once when an episode begins and once when it ends, with the count.
 */
public final class AcceptBackoff
{
    static final long FIRST_PAUSE_MILLIS = 10;
    static final long MAX_PAUSE_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(AcceptBackoff.class);

    private final Object listening;
    private volatile long failures;
    private long episodeStartNanos;
    private long nextPauseMillis = FIRST_PAUSE_MILLIS;

    public AcceptBackoff(Object listening)
    {
        this.listening = listening;
    }

    /**
     * Records a failed accept.
     *
     * @return how long to pause before accepting again, in milliseconds
     */
    public synchronized long failed(IOException failure)
    {
        if (failures++ == 0)
        {
            episodeStartNanos = System.nanoTime();
            LOG.warn("Cannot accept connections on {}: {}. Accepting pauses and is retried every {} ms up to every {} ms; " +
                "if the process is out of file descriptors, raise its limit (ulimit -n, LimitNOFILE=) or lower the load",
                listening, failure.toString(), FIRST_PAUSE_MILLIS, MAX_PAUSE_MILLIS);
        }
        else
        {
            LOG.debug("Accept failed again on {} ({} times): {}", listening, failures, failure.toString());
        }
        long pause = nextPauseMillis;
        nextPauseMillis = Math.min(MAX_PAUSE_MILLIS, nextPauseMillis * 2);
        return pause;
    }

    /**
     * Records a successful accept, which ends a failure episode.
     */
    public void succeeded()
    {
        // Read without the lock first: this is the per-connection path, and episodes are rare.
        if (failures == 0)
            return;
        synchronized (this)
        {
            if (failures == 0)
                return;
            LOG.info("Accepting connections on {} again, after {} failed attempts over {} ms", listening, failures,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - episodeStartNanos));
            failures = 0;
            nextPauseMillis = FIRST_PAUSE_MILLIS;
        }
    }

    /**
     * Accepts on an acceptor thread. Jetty's acceptor loop would log a stack trace and sleep 1 s per failure: this
     * pauses as the selector acceptor does, with one warning per episode.
     *
     * @param listening the socket, or {@code null} once a stop closed it
     * @param serving whether the connector runs and is not stopping: a failure after that is the stop's doing
     * @return the accepted connection, or {@code null} if there is none to serve now (closed, or paused after a failure)
     */
    public SocketChannel acceptOnThread(ListeningSocket listening, BooleanSupplier serving) throws IOException
    {
        if (listening == null)
            return null;
        SocketChannel channel;
        try
        {
            channel = listening.accept();
        }
        catch (ClosedChannelException closed)
        {
            // Closed by a graceful stop: the acceptor loop ends quietly at its next check.
            if (serving.getAsBoolean())
                throw closed;
            return null;
        }
        catch (IOException failure)
        {
            if (!serving.getAsBoolean())
                throw failure;
            pause(failed(failure));
            return null;
        }
        succeeded();
        return channel;
    }

    private static void pause(long millis) throws InterruptedIOException
    {
        try
        {
            Thread.sleep(millis);
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pausing accepts");
        }
    }
}
