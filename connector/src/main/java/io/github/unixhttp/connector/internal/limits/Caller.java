package io.github.unixhttp.connector.internal.limits;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.github.unixhttp.connector.limits.CallerActivity;
import io.github.unixhttp.connector.limits.CallerLimits;

/**
 * One caller's counters, kept by the {@link CallerLedger} while the caller holds anything. Every change is a
 * compare-and-set on a field of this object: callers never contend with each other, and a caller's own connections
 * and requests contend only on its counters.
 *
 * <p>{@link #holds} counts what keeps this object in the ledger: each connection (served, or refused and waiting for
 * its answer) and each request in flight. It is the reference count that makes forgetting a caller safe: once it
 * reaches 0 and the caller's token bucket is full, the ledger {@linkplain #retire retires} it, setting it to
 * {@link #RETIRED}, which no {@link #tryHold} passes, and removes it; whoever finds a retired caller in the ledger
 * makes a new one.</p>
 */
final class Caller
{
    static final int RETIRED = Integer.MIN_VALUE;

    private static final AtomicIntegerFieldUpdater<Caller> HOLDS =
        AtomicIntegerFieldUpdater.newUpdater(Caller.class, "holds");
    private static final AtomicIntegerFieldUpdater<Caller> CONNECTIONS =
        AtomicIntegerFieldUpdater.newUpdater(Caller.class, "connections");
    private static final AtomicIntegerFieldUpdater<Caller> REFUSED_WAITING =
        AtomicIntegerFieldUpdater.newUpdater(Caller.class, "refusedWaiting");
    private static final AtomicIntegerFieldUpdater<Caller> IN_FLIGHT =
        AtomicIntegerFieldUpdater.newUpdater(Caller.class, "inFlight");
    private static final AtomicLongFieldUpdater<Caller> CONNECTIONS_REFUSED =
        AtomicLongFieldUpdater.newUpdater(Caller.class, "connectionsRefused");
    private static final AtomicLongFieldUpdater<Caller> REQUESTS_REFUSED =
        AtomicLongFieldUpdater.newUpdater(Caller.class, "requestsRefused");

    final CallerKey key;
    /** {@code null} if the request rate is not limited. */
    final TokenBucket bucket;
    private volatile int holds;
    private volatile int connections;
    private volatile int refusedWaiting;
    private volatile int inFlight;
    private volatile long connectionsRefused;
    private volatile long requestsRefused;

    Caller(CallerKey key, CallerLimits limits, long now)
    {
        this.key = key;
        this.bucket = limits.requestsPerSecond() > 0
            ? new TokenBucket(limits.requestsPerSecond(), limits.requestBurst(), now)
            : null;
    }

    /** @return whether this caller was still live, and now has one more hold; {@code false} if it is retired */
    boolean tryHold()
    {
        while (true)
        {
            int current = holds;
            if (current == RETIRED)
                return false;
            if (HOLDS.compareAndSet(this, current, current + 1))
                return true;
        }
    }

    /** @return the holds left */
    int release()
    {
        return HOLDS.decrementAndGet(this);
    }

    /** @return whether this caller, idle at {@code now}, is now retired (by this call) */
    boolean retire(long now)
    {
        return (bucket == null || bucket.isFull(now)) && HOLDS.compareAndSet(this, 0, RETIRED);
    }

    /** @return whether this caller, holding nothing, is now retired (by this call), its bucket full or not */
    boolean retireIgnoringBucket()
    {
        return HOLDS.compareAndSet(this, 0, RETIRED);
    }

    boolean isRetired()
    {
        return holds == RETIRED;
    }

    boolean isIdle()
    {
        return holds == 0;
    }

    boolean tryConnection(int max)
    {
        return tryIncrement(CONNECTIONS, max);
    }

    void connectionClosed()
    {
        CONNECTIONS.decrementAndGet(this);
    }

    boolean tryRefusedWaiting(int max)
    {
        return tryIncrement(REFUSED_WAITING, max);
    }

    void refusedAnswered()
    {
        REFUSED_WAITING.decrementAndGet(this);
    }

    boolean tryRequest(int max)
    {
        return tryIncrement(IN_FLIGHT, max);
    }

    void requestEnded()
    {
        IN_FLIGHT.decrementAndGet(this);
    }

    /** @return how many connections it holds (as many as its limit allows) */
    int connectionRefused()
    {
        CONNECTIONS_REFUSED.incrementAndGet(this);
        return connections;
    }

    /** @return how many requests it has in flight */
    int requestRefused()
    {
        REQUESTS_REFUSED.incrementAndGet(this);
        return inFlight;
    }

    CallerActivity activity()
    {
        return new CallerActivity(key.toString(), connections, refusedWaiting, inFlight, connectionsRefused, requestsRefused);
    }

    private boolean tryIncrement(AtomicIntegerFieldUpdater<Caller> counter, int max)
    {
        if (max == CallerLimits.UNLIMITED)
        {
            counter.incrementAndGet(this);
            return true;
        }
        while (true)
        {
            int current = counter.get(this);
            if (current >= max)
                return false;
            if (counter.compareAndSet(this, current, current + 1))
                return true;
        }
    }

    @Override
    public String toString()
    {
        return activity().toString();
    }
}
