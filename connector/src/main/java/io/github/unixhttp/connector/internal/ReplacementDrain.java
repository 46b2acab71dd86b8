package io.github.unixhttp.connector.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a connector whose path was taken over does, on a thread of its own: it goes on accepting for a moment, then
 * accepts what is left in its backlog and stops listening, then shuts down as a graceful stop does (responses say
 * {@code Connection: close}, idle connections close, exchanges in progress finish), then says it has drained.
 *
 * <p>Why the moment: once the path names the new socket, no connection can join this one's backlog, except one
 * whose {@code connect(2)} looked the path up just before the swap and has not yet queued itself: microseconds.
 * The watch notices the swap up to one interval after it; waiting one more interval before the last accept makes
 * such a straggler as unlikely as a thread descheduled for that long in the middle of a system call. A connection
 * left in the backlog when the socket closes would be reset.</p>
 */
public final class ReplacementDrain implements Runnable
{
    private static final Logger LOG = LoggerFactory.getLogger(ReplacementDrain.class);

    /** The connector's side of the drain. */
    public interface Steps
    {
        /** Tells the listeners that the path was replaced. */
        void replaced();

        /** Stops accepting in the background and accepts, on this thread, whatever is still in the backlog. */
        void acceptWhatIsLeft();

        /** The connector's graceful shutdown: it stops listening (the path is left alone) and its connections end. */
        CompletableFuture<Void> shutdown();

        /** Tells the listeners, then runs the replacement action. */
        void drained(boolean complete);
    }

    private final Object connector;
    private final Steps steps;
    private final long settleMillis;
    private final long timeoutMillis;

    /**
     * @param settleMillis how long to go on accepting before the last accept
     * @param timeoutMillis how long to wait for the connections to end (the server's stop timeout, or a default when it has none); must be positive
     */
    public ReplacementDrain(Object connector, Steps steps, long settleMillis, long timeoutMillis)
    {
        this.connector = connector;
        this.steps = steps;
        this.settleMillis = settleMillis;
        this.timeoutMillis = timeoutMillis;
    }

    /** Runs the drain on a thread of its own, not a daemon: it ends by stopping the server. */
    public void start()
    {
        Thread thread = new Thread(this, "unixhttp-replaced-drain");
        thread.start();
    }

    @Override
    public void run()
    {
        LOG.info("{}: the path names another server's socket now; finishing what this one has, then it stops", connector);
        boolean complete = false;
        try
        {
            steps.replaced();
            Thread.sleep(settleMillis);
            steps.acceptWhatIsLeft();
            CompletableFuture<Void> shutdown = steps.shutdown();
            shutdown.get(timeoutMillis, TimeUnit.MILLISECONDS);
            complete = true;
        }
        catch (TimeoutException late)
        {
            LOG.warn("{}: connections still open after {} ms of draining; stopping anyway", connector, timeoutMillis);
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
        }
        catch (ExecutionException | RuntimeException failure)
        {
            LOG.warn("{}: draining failed: {}", connector, failure.toString());
        }
        steps.drained(complete);
    }
}
