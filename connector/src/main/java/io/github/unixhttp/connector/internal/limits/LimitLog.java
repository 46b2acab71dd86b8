package io.github.unixhttp.connector.internal.limits;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.unixhttp.connector.internal.BoundedWarning;
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

    private final BoundedWarning warning;

    LimitLog(long intervalNanos)
    {
        this.warning = new BoundedWarning(LOG, intervalNanos, "like it was", "like it were");
    }

    /**
     * Records one refusal.
     *
     * @param where the connector, as it names itself
     * @param what what was refused and why, made only if it is logged
     */
    void refused(Object where, Supplier<String> what)
    {
        warning.warn(where, what);
    }
}
