package io.github.unixhttp.connector.internal.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the log of one kind of refusal over a caller's limit, bounded as {@code RefusalLog} bounds the peer
 * policy's: a warning the first time, then at most one a {@linkplain #DEFAULT_INTERVAL_NANOS minute} saying how many
 * it did not log. A caller flooding a limit is exactly what produces refusals by the thousand; each is logged at
 * DEBUG only.
 */
final class LimitLog
{
    /** A minute between warnings. */
    static final long DEFAULT_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private static final Logger LOG = LoggerFactory.getLogger(LimitLog.class);

    private final long intervalNanos;
    private boolean warned;
    private long lastWarning;
    private long notLogged;

    LimitLog(long intervalNanos)
    {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Records one refusal.
     *
     * @param where the connector, as it names itself
     * @param what what was refused and why, made only if it is logged
     */
    void refused(Object where, Supplier<String> what)
    {
        long suppressed;
        synchronized (this)
        {
            long now = System.nanoTime();
            if (warned && now - lastWarning < intervalNanos)
            {
                notLogged++;
                suppressed = -1;
            }
            else
            {
                suppressed = notLogged;
                notLogged = 0;
                warned = true;
                lastWarning = now;
            }
        }
        if (suppressed < 0)
        {
            if (LOG.isDebugEnabled())
                LOG.debug("{} {}", where, what.get());
            return;
        }
        LOG.warn("{} {}{}", where, what.get(), suppressed == 0 ? "" : "; " + suppressed + " more like it " +
            (suppressed == 1 ? "was" : "were") + " not logged since the last warning (at most one every " +
            TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s; all at DEBUG)");
    }
}
