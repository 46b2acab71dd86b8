package io.github.unixhttp.unit;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * How the clients of this module wait for a server whose listen backlog is full. A TCP client's {@code connect(2)}
 * waits in that case; a non-blocking one to a Unix socket fails at once with EAGAIN. So each client tries again,
 * with growing pauses (0.1 ms doubling up to 20 ms), until its connect timeout runs out, and then fails with a
 * {@link SocketTimeoutException} that says why. Used by the classic, async and Jetty clients alike.
 */
public final class ConnectRetry
{
    /** The pause before the first retry. */
    public static final long FIRST_PAUSE_NANOS = 100_000;
    private static final long MAX_PAUSE_NANOS = 20_000_000;

    private ConnectRetry()
    {
    }

    /**
     * @return whether {@code failure}, or one of its first few causes, is the EAGAIN of a connect to a full backlog
     */
    public static boolean isBacklogFull(Throwable failure)
    {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause())
        {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof IOException &&
                (message.contains("temporarily unavailable") || message.contains("EAGAIN") || message.contains("would block")))
                return true;
        }
        return false;
    }

    /**
     * @return how long to keep trying, in nanoseconds; {@link Long#MAX_VALUE} (as long as it takes) for a null,
     *         zero, negative or immense timeout
     */
    public static long budgetNanos(Duration timeout)
    {
        if (timeout == null || timeout.isZero() || timeout.isNegative())
            return Long.MAX_VALUE;
        try
        {
            return timeout.toNanos();
        }
        catch (ArithmeticException centuries)
        {
            return Long.MAX_VALUE;
        }
    }

    /**
     * @return whether pausing {@code pauseNanos} more, after trying since {@code startNanos} ({@link System#nanoTime()}),
     *         would overrun {@code budgetNanos}
     */
    public static boolean wouldOverrun(long startNanos, long budgetNanos, long pauseNanos)
    {
        return budgetNanos != Long.MAX_VALUE && System.nanoTime() - startNanos > budgetNanos - pauseNanos;
    }

    /**
     * @return the pause after {@code pause}
     */
    public static long nextPause(long pause)
    {
        return Math.min(pause * 2, MAX_PAUSE_NANOS);
    }

    /**
     * @return the failure once the connect timeout has run out with the backlog still full
     */
    public static SocketTimeoutException timedOut(Object endpoint, Duration timeout)
    {
        return new SocketTimeoutException("Connect to unix:" + endpoint + " timed out after " + timeout.toMillis() +
            " ms: the server is not accepting (its backlog is full)");
    }

    /**
     * @return a scheduler for the retries of clients that have none of their own: one daemon thread, whose tasks
     *         only start a non-blocking connect
     */
    public static ScheduledExecutorService scheduler()
    {
        return Scheduler.INSTANCE;
    }

    private static final class Scheduler
    {
        private static final ScheduledExecutorService INSTANCE = Executors.newSingleThreadScheduledExecutor(task ->
        {
            Thread thread = new Thread(task, "unixhttp-connect-retry");
            thread.setDaemon(true);
            // Lives as long as the JVM: it must not pin the class loader of whoever first used it.
            thread.setContextClassLoader(null);
            return thread;
        });
    }
}
