package io.github.unixhttp.connector.internal.policy;

import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.internal.BoundedWarning;
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

    private final BoundedWarning warning;

    public RefusalLog()
    {
        this(DEFAULT_INTERVAL_NANOS);
    }

    /**
     * @param intervalNanos the least time between two warnings
     */
    public RefusalLog(long intervalNanos)
    {
        this.warning = new BoundedWarning(LOG, intervalNanos, "refusal was", "refusals were");
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
        warning.warn(where, () -> "refused " + peer + ": " + reason + " (peer policy: " + policy + ")");
    }
}
