package io.github.unixhttp.connector.internal.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

/**
 * A token bucket of {@code burst} tokens refilling at {@code perSecond}, kept as one number so that taking a token is
 * one compare-and-set, without a lock or a refill thread: the generic cell rate algorithm's "theoretical arrival
 * time" (the time at which the bucket will be full again if nothing more is taken). Taking a token moves it one
 * interval ({@code 1 / perSecond}) later; a request is admitted while that stays within {@code burst} intervals of
 * now. Times are {@link System#nanoTime()}'s, compared by difference (they may be negative).
 */
public final class TokenBucket
{
    private static final AtomicLongFieldUpdater<TokenBucket> FULL_AT =
        AtomicLongFieldUpdater.newUpdater(TokenBucket.class, "fullAt");

    private final long intervalNanos;
    private final long capacityNanos;
    private volatile long fullAt;

    /**
     * @param perSecond tokens added a second, at least one an hour
     * @param burst the bucket's size, 1 to a million
     * @param now the current {@code System.nanoTime()}: the bucket starts full
     */
    public TokenBucket(double perSecond, int burst, long now)
    {
        if (!(perSecond >= 1.0 / 3600) || burst < 1 || burst > 1_000_000)
            throw new IllegalArgumentException("a bucket of " + burst + " at " + perSecond + "/s");
        // At most an hour an interval, times a million at most: below 2^62, so no sum here overflows.
        this.intervalNanos = Math.max(1, Math.round(TimeUnit.SECONDS.toNanos(1) / perSecond));
        this.capacityNanos = intervalNanos * burst;
        this.fullAt = now;
    }

    /**
     * Takes a token if there is one.
     *
     * @param now the current {@code System.nanoTime()}
     * @return 0 if a token was taken; otherwise how many nanoseconds until one will be there (nothing taken)
     */
    public long tryTake(long now)
    {
        while (true)
        {
            long current = fullAt;
            long next = (current - now > 0 ? current : now) + intervalNanos;
            long wait = next - now - capacityNanos;
            if (wait > 0)
                return wait;
            if (FULL_AT.compareAndSet(this, current, next))
                return 0;
        }
    }

    /** @return whether the bucket is full at {@code now}: forgetting it then loses nothing */
    public boolean isFull(long now)
    {
        return fullAt - now <= 0;
    }
}
