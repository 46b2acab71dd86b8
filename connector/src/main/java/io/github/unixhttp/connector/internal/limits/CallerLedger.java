package io.github.unixhttp.connector.internal.limits;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.github.unixhttp.connector.limits.CallerActivity;
import io.github.unixhttp.connector.limits.CallerLimits;
import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A connector's account of what each caller holds, and where {@link CallerLimits} are enforced: at accept ({@link
 * #admit}, {@link #holdRefused}), on each request ({@link #admitRequest}), and when a connection's endpoint closes
 * ({@link #closed}), which gives back what it held. One per connector, across its starts (its totals are the JMX
 * counters); the limits are those of the current start.
 *
 * <p>What each connection holds is recorded against its endpoint (a <em>lease</em>), and given back when the
 * endpoint is removed from that record: so exactly once, whichever way the connection ends, and whatever protocol
 * upgrades happened on it meanwhile (the connection object may change; the endpoint does not). A request's place is
 * given back by its {@link RequestPermit}. A caller is forgotten when it holds nothing and its token bucket is full
 * (at once, or by a sweep a second later for a bucket still refilling): the ledger never grows with callers that
 * have gone.</p>
 *
 * <p>Costs, on the paths every connection and request take: with {@link CallerLimits#none()}, one volatile read; with
 * the defaults, per connection a map lookup, two compare-and-sets and a small lease in and out of a concurrent map,
 * and per request nothing (requests are not limited by default); with request limits, per request a map lookup and
 * two or three compare-and-sets, and a permit.</p>
 */
public final class CallerLedger
{
    /** What becomes of a connection whose peer the policy admits. */
    public enum Admission
    {
        /** Serve it. */
        SERVE,
        /** Its caller holds as many connections as allowed: answer 503, then close. */
        ANSWER_OVER_LIMIT,
        /** Over the limit, and its user already has as many refused connections waiting as allowed: close it now. */
        CLOSE
    }

    private enum LeaseKind
    {
        SERVED,
        REFUSED_WAITING
    }

    private record Lease(Caller caller, LeaseKind kind)
    {
    }

    private static final long SWEEP_INTERVAL_MILLIS = 1000;

    private final ConcurrentHashMap<CallerKey, Caller> callers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<EndPoint, Lease> leases = new ConcurrentHashMap<>();
    private final LongAdder connectionsRefused = new LongAdder();
    private final LongAdder requestsRefused = new LongAdder();
    private final LongAdder closedUnanswered = new LongAdder();
    private final LimitLog connectionLog;
    private final LimitLog requestLog;
    private final LimitLog unansweredLog;
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private final Object connector;
    private volatile CallerLimits limits = CallerLimits.none();
    private volatile Scheduler scheduler;

    /** @param connector named in the log */
    public CallerLedger(Object connector)
    {
        this(connector, LimitLog.DEFAULT_INTERVAL_NANOS);
    }

    /**
     * @param connector named in the log
     * @param logIntervalNanos the least time between two warnings of one kind of refusal
     */
    public CallerLedger(Object connector, long logIntervalNanos)
    {
        this.connector = connector;
        this.connectionLog = new LimitLog(logIntervalNanos);
        this.requestLog = new LimitLog(logIntervalNanos);
        this.unansweredLog = new LimitLog(logIntervalNanos);
    }

    /**
     * At each start of the connector: the limits to enforce from now on. Callers that hold nothing are forgotten (a
     * bucket made for the previous limits goes with them); connections of the previous start, if any are still
     * closing, give back what they held as they close.
     *
     * @param limits the limits; {@link CallerLimits#none()} when the peers' credentials are not read
     * @param scheduler runs the sweep that forgets callers whose token bucket was still refilling when they left
     */
    public void start(CallerLimits limits, Scheduler scheduler)
    {
        this.limits = limits;
        this.scheduler = scheduler;
        // A sweep scheduled in the previous start may never have run (Jetty's stopped scheduler drops tasks).
        sweepScheduled.set(false);
        for (Caller caller : callers.values())
        {
            if (caller.retireIgnoringBucket())
                callers.remove(caller.key, caller);
        }
    }

    /** @return the limits enforced now */
    public CallerLimits limits()
    {
        return limits;
    }

    /**
     * A peer the policy admits connects: counts the connection against its caller.
     *
     * @return whether to serve it, answer it 503, or close it at once
     */
    public Admission admit(EndPoint endPoint, PeerCredentials peer)
    {
        CallerLimits current = limits;
        if (current.maxConnections() == CallerLimits.UNLIMITED && !current.limitsRequests())
            return Admission.SERVE;
        CallerKey key = CallerKey.of(peer, current.per());
        if (key == null)
            return Admission.SERVE;
        Caller caller = hold(key, current);
        if (caller.tryConnection(current.maxConnections()))
        {
            leases.put(endPoint, new Lease(caller, LeaseKind.SERVED));
            return Admission.SERVE;
        }
        int held = caller.connectionRefused();
        release(caller);
        connectionsRefused.increment();
        connectionLog.refused(connector, () -> "refused a connection of " + key + " (" + peer + "): it holds " + held +
            (held == 1 ? " connection" : " connections") + ", the most its limits allow (caller limits: " + current + "); " +
            "answered 503 Service Unavailable with Retry-After: 1");
        return holdRefused(endPoint, peer) ? Admission.ANSWER_OVER_LIMIT : Admission.CLOSE;
    }

    /**
     * A connection is refused (by the peer policy, or over its caller's limit): whether it may wait for its answer,
     * counted against its user's refused connections waiting, or must be closed at once, unanswered.
     *
     * @return {@code true} to answer it; {@code false} to close it now
     */
    public boolean holdRefused(EndPoint endPoint, PeerCredentials peer)
    {
        CallerLimits current = limits;
        if (current.maxRefusedConnections() == CallerLimits.UNLIMITED)
            return true;
        // Per user whatever the limits' kind of caller: a refused user gets no more by running more programs.
        CallerKey user = CallerKey.userOf(peer);
        if (user == null)
            return true;
        Caller caller = hold(user, current);
        if (caller.tryRefusedWaiting(current.maxRefusedConnections()))
        {
            leases.put(endPoint, new Lease(caller, LeaseKind.REFUSED_WAITING));
            return true;
        }
        release(caller);
        closedUnanswered.increment();
        unansweredLog.refused(connector, () -> "closed a refused connection of " + user + " (" + peer + ") at once, " +
            "unanswered: " + current.maxRefusedConnections() + " of its refused connections " +
            (current.maxRefusedConnections() == 1 ? "is" : "are") + " waiting for their answer, the most its limits allow " +
            "(caller limits: " + current + ")");
        return false;
    }

    /** A connection's endpoint closed: gives back what it held, if anything. */
    public void closed(EndPoint endPoint)
    {
        Lease lease = leases.remove(endPoint);
        if (lease == null)
            return;
        if (lease.kind == LeaseKind.SERVED)
            lease.caller.connectionClosed();
        else
            lease.caller.refusedAnswered();
        release(lease.caller);
    }

    /**
     * A request's head is in, before any handler: counts it against its caller's requests in flight and rate.
     *
     * @param endPoint the endpoint of the request's connection (under any PROXY protocol wrapper)
     * @param peer its peer, for the log
     * @return {@code null} if requests are not limited (or the caller is unknown); else the request's permit, which
     *         is either a refusal or must be {@linkplain RequestPermit#release() released} when the exchange ends
     */
    public RequestPermit admitRequest(EndPoint endPoint, PeerCredentials peer)
    {
        CallerLimits current = limits;
        if (!current.limitsRequests())
            return null;
        Lease lease = leases.get(endPoint);
        // No lease: a peer that could not be told apart; or a connection closing as its request arrives (the close
        // took the lease back, and the caller may be gone): neither is limited.
        if (lease == null || lease.kind != LeaseKind.SERVED || !lease.caller.tryHold())
            return null;
        Caller caller = lease.caller;
        if (!caller.tryRequest(current.maxRequestsInFlight()))
        {
            int inFlight = caller.requestRefused();
            release(caller);
            requestsRefused.increment();
            requestLog.refused(connector, () -> "refused a request of " + caller.key + " (" + peer + "): " + inFlight +
                " of its requests " + (inFlight == 1 ? "is" : "are") + " in flight, the most its limits allow (caller limits: " +
                current + "); answered 429 Too Many Requests with Retry-After: 1");
            return RequestPermit.refused(1, "Too many requests of yours in flight");
        }
        if (caller.bucket != null)
        {
            long waitNanos = caller.bucket.tryTake(System.nanoTime());
            if (waitNanos > 0)
            {
                caller.requestEnded();
                caller.requestRefused();
                release(caller);
                requestsRefused.increment();
                long retryAfter = Math.max(1, (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
                requestLog.refused(connector, () -> "refused a request of " + caller.key + " (" + peer + "): over its " +
                    "request rate (caller limits: " + current + "); answered 429 Too Many Requests with Retry-After: " +
                    retryAfter);
                return RequestPermit.refused(retryAfter, "Too many requests of yours");
            }
        }
        return RequestPermit.admitted(this, caller);
    }

    void requestEnded(Caller caller)
    {
        caller.requestEnded();
        release(caller);
    }

    /** @return the live caller for {@code key} with one more hold: the one in the ledger, or a new one */
    private Caller hold(CallerKey key, CallerLimits current)
    {
        while (true)
        {
            Caller caller = callers.get(key);
            if (caller == null)
                caller = callers.computeIfAbsent(key, k -> new Caller(k, current, System.nanoTime()));
            if (caller.tryHold())
                return caller;
            // Retired between the lookup and the hold: it is on its way out of the map; make sure, and make another.
            callers.remove(key, caller);
        }
    }

    private void release(Caller caller)
    {
        if (caller.release() != 0)
            return;
        if (caller.retire(System.nanoTime()))
            callers.remove(caller.key, caller);
        else if (caller.isIdle())
            scheduleSweep();
    }

    private void scheduleSweep()
    {
        Scheduler current = scheduler;
        if (current != null && sweepScheduled.compareAndSet(false, true))
            current.schedule(this::sweep, SWEEP_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Forgets callers that hold nothing and whose buckets have refilled; comes back while some still refill. */
    private void sweep()
    {
        sweepScheduled.set(false);
        long now = System.nanoTime();
        boolean refilling = false;
        for (Caller caller : callers.values())
        {
            if (caller.retire(now))
                callers.remove(caller.key, caller);
            else if (caller.isIdle())
                refilling = true;
        }
        if (refilling)
            scheduleSweep();
    }

    /** @return connections refused over their caller's connection limit, across starts */
    public long connectionsRefused()
    {
        return connectionsRefused.sum();
    }

    /** @return requests refused over their caller's in-flight limit or rate, across starts */
    public long requestsRefused()
    {
        return requestsRefused.sum();
    }

    /** @return refused connections closed at once, unanswered, because their user had as many waiting as allowed */
    public long closedUnanswered()
    {
        return closedUnanswered.sum();
    }

    /** @return what each caller the ledger knows holds now, ordered by caller */
    public List<CallerActivity> activity()
    {
        return callers.values().stream()
            .filter(caller -> !caller.isRetired())
            .map(Caller::activity)
            .sorted(Comparator.comparing(CallerActivity::caller))
            .toList();
    }

    /** @return how many connections hold something now: for tests, which check that all is given back */
    public int leases()
    {
        return leases.size();
    }
}
