package io.github.unixhttp.unit.internal;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;

/**
 * How the clients of this module wait for a server whose listen backlog is full. A TCP client's {@code connect(2)}
 * waits in that case; a non-blocking one to a Unix socket fails at once with EAGAIN. So each client tries again,
 * with growing pauses (0.1 ms doubling up to 20 ms), until its connect timeout runs out, and then fails with a
 * {@link SocketTimeoutException} that says why. Used by the classic, async and Jetty clients alike.
 *
 * <p>One instance paces the attempts of one connect: {@link #nextPauseNanos} says how long to wait before the next
 * attempt, or that none fits before the deadline. The clock is passed in, so the arithmetic is the same whether the
 * caller parks a thread or schedules a task. Attempts are sequential, but may run on different threads.</p>
 */
public final class ConnectRetry
{
    /** The pause before the first retry. */
    static final long FIRST_PAUSE_NANOS = 100_000;
    /** The longest pause: a server that drains its backlog is noticed within this. */
    static final long MAX_PAUSE_NANOS = 20_000_000;

    private final long startNanos;
    private final long budgetNanos;
    private long pauseNanos = FIRST_PAUSE_NANOS;

    /**
     * @param startNanos when the first attempt started, on the {@link System#nanoTime()} clock
     * @param timeout    the connect timeout; null, zero or negative: as long as it takes
     */
    ConnectRetry(long startNanos, Duration timeout)
    {
        this.startNanos = startNanos;
        this.budgetNanos = budgetNanos(timeout);
    }

    /**
     * @param timeout the connect timeout; null, zero or negative: as long as it takes
     * @return the pacing of a connect whose first attempt starts now
     */
    public static ConnectRetry start(Duration timeout)
    {
        return new ConnectRetry(System.nanoTime(), timeout);
    }

    /**
     * Called after an attempt failed on a full backlog.
     *
     * @param nowNanos the time now, on the {@link System#nanoTime()} clock
     * @return how long to pause before the next attempt, in nanoseconds; or -1 if that pause would end after the
     *         connect timeout, so it is time to give up ({@link #timedOut})
     */
    public synchronized long nextPauseNanos(long nowNanos)
    {
        long pause = pauseNanos;
        // Compared as elapsed > budget - pause, not elapsed + pause > budget: that sum may overflow, this cannot.
        if (budgetNanos != Long.MAX_VALUE && nowNanos - startNanos > budgetNanos - pause)
            return -1;
        pauseNanos = Math.min(pause * 2, MAX_PAUSE_NANOS);
        return pause;
    }

    /**
     * @return how long to keep trying, in nanoseconds; {@link Long#MAX_VALUE} (as long as it takes) for a null,
     *         zero, negative or immense timeout
     */
    static long budgetNanos(Duration timeout)
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
     * Whether a connect failed because the server's backlog is full, decided by the exception's type and the file
     * system, never the exception's text (which the C library may translate): our native edge's EAGAIN (a
     * {@link NativeCallException}, from a connect to an abstract name); or a
     * plain {@link SocketException}, which is how the JDK reports an errno it has no type of its own for, while the
     * socket file is there. For a non-blocking connect to a Unix socket that is EAGAIN, a full backlog; with no file
     * at the path it is ENOENT, no server, which is not retried (nor is a refused connect, a {@code
     * ConnectException}, or a denied one, a {@code BindException}). Rarely, the socket is not a stream socket
     * (EPROTOTYPE), which then fails at the connect timeout.
     *
     * @param address what was connected to: for a path, whether the file is there tells EAGAIN from ENOENT
     * @return whether {@code failure}, or one of its first few causes, says the backlog is full
     */
    public static boolean isBacklogFull(Throwable failure, UnixSocketAddress address)
    {
        Throwable cause = failure;
        for (int depth = 0; cause != null && depth < 8; depth++, cause = cause.getCause())
        {
            if (cause instanceof NativeCallException call)
                return call.errno() == NativeCallException.EAGAIN;
            if (cause.getClass() == SocketException.class)
                // Followed as connect(2) follows it: a link to a socket not there yet is ENOENT, not a full backlog.
                // (An abstract name's full backlog comes typed, as EAGAIN: a plain one there is some other failure.)
                return address.kind() == UnixSocketAddress.Kind.PATH && Files.exists(address.path());
        }
        return false;
    }

    /**
     * @return the failure once the connect timeout has run out with the backlog still full
     */
    public static SocketTimeoutException timedOut(UnixSocketAddress address, Duration timeout)
    {
        return new SocketTimeoutException("Connect to unix:" + address + " timed out after " + timeout.toMillis() +
            " ms: the server is not accepting (its backlog is full). Give the client a longer connect timeout, or the " +
            "server more accepting capacity (threads, a larger accept queue)");
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
