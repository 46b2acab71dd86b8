package io.github.unixhttp.connector.internal.policy;

import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.PeerCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.unixhttp.connector.policy.PeerPolicy;

/**
 * Tells the log whom a connector refused and why, which the refused peer itself is not told: one warning, then at
 * most one per {@linkplain #DEFAULT_INTERVAL_NANOS interval} saying how many refusals it did not log, so that a peer
 * reconnecting in a loop cannot flood the log. Each refusal is also logged at DEBUG.
 */
public final class RefusalLog
{
    /** Ten seconds between warnings. */
    public static final long DEFAULT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

    private final long intervalNanos;
    private boolean warned;
    private long lastWarning;
    private long notLogged;

    public RefusalLog()
    {
        this(DEFAULT_INTERVAL_NANOS);
    }

    /**
     * @param intervalNanos the least time between two warnings
     */
    public RefusalLog(long intervalNanos)
    {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Records one refusal.
     *
     * @param where the connector that refused, as it names itself
     * @param peer the refused peer
     * @param reason the policy's reason
     * @param policy the policy that refused, which says whom it admits
     */
    public void refused(Object where, PeerCredentials peer, String reason, PeerPolicy policy)
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
            LOG.debug("{} refused {}: {} (peer policy: {})", where, peer, reason, policy);
            return;
        }
        LOG.warn("{} refused {}: {} (peer policy: {}){}", where, peer, reason, policy, suppressed == 0 ? "" :
            "; " + suppressed + " more refusal" + (suppressed == 1 ? " was" : "s were") + " not logged since the last " +
            "warning (at most one per " + TimeUnit.NANOSECONDS.toSeconds(intervalNanos) + " s; all at DEBUG)");
    }
}
