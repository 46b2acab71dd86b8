package io.github.unixhttp.connector.internal;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;

/**
 * A warning that a flood cannot turn into a flood of lines: the first occurrence at WARN, then at most one WARN per
 * interval saying how many it did not log; every occurrence at DEBUG. What floods are refusals (by the peer policy,
 * over a caller's limit), by the thousand from one misbehaving local process.
 */
public final class BoundedWarning
{
    private final Logger log;
    private final long intervalNanos;
    private final String oneMore;
    private final String manyMore;
    private boolean warned;
    private long lastWarning;
    private long notLogged;

    /**
     * @param log where to warn (the caller's own logger, so that its name says what warns)
     * @param intervalNanos the least time between two warnings
     * @param oneMore how the suffix names one occurrence not logged ({@code "refusal was"})
     * @param manyMore how it names several ({@code "refusals were"})
     */
    public BoundedWarning(Logger log, long intervalNanos, String oneMore, String manyMore)
    {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.oneMore = oneMore;
        this.manyMore = manyMore;
    }

    /**
     * @param where the connector, as it names itself
     * @param what what happened and why, made only if it is logged
     */
    public void warn(Object where, Supplier<String> what)
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
            if (log.isDebugEnabled())
                log.debug("{} {}", where, what.get());
            return;
        }
        log.warn("{} {}{}", where, what.get(), suppressed == 0 ? "" : "; " + suppressed + " more " +
            (suppressed == 1 ? oneMore : manyMore) + " not logged since the last warning (at most one per " +
            TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s; all at DEBUG)");
    }
}
