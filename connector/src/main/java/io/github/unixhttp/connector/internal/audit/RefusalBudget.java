package io.github.unixhttp.connector.internal.audit;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.unixhttp.core.PeerCredentials;

/**
 * Keeps a storm of refusals from becoming a storm of lines. Per caller (its uid; its user name where the uid is not
 * known): the first refusal in a window is a line of its own, the others in that window are counted, and when the
 * window is over one summary line gives their number, when they began and the last reason. Across callers: at most
 * so many refusal lines (refusals and per-caller summaries) per second, and at most so many callers kept; what does
 * not fit goes to one summary of all callers. Every refusal is in exactly one line: its own, or a summary's count.
 *
 * <p>All in memory and bounded: the callers kept (idle ones are dropped once their window is over) and a few counters.
 * Times are given by the caller, so that tests can drive the clock. Thread-safe: refusals come from the selector
 * threads, the sweep from the audit trail's writer.</p>
 */
public final class RefusalBudget
{
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final Object UNKNOWN_CALLER = new Object();

    private final long windowNanos;
    private final int maxCallers;
    private final int maxLinesPerSecond;

    // Guarded by this.
    private final Map<Object, Caller> callers = new HashMap<>();
    private long secondStartNanos;
    private boolean secondStarted;
    private int linesThisSecond;
    /** For the summary of all callers: how many, since when, the last reason. */
    private long othersCount;
    private long othersSinceMillis;
    private String othersReason;
    /** Refusals not logged as lines of their own, so far. */
    private long summarized;

    /**
     * @param windowNanos how long a caller's window lasts, from the refusal that opened it
     * @param maxCallers the most callers kept at once; refusals of others go to the summary of all callers
     * @param maxLinesPerSecond the most refusal lines per second, across callers
     */
    public RefusalBudget(long windowNanos, int maxCallers, int maxLinesPerSecond)
    {
        if (windowNanos <= 0 || maxCallers <= 0 || maxLinesPerSecond <= 0)
            throw new IllegalArgumentException("window, callers and lines per second must be positive");
        this.windowNanos = windowNanos;
        this.maxCallers = maxCallers;
        this.maxLinesPerSecond = maxLinesPerSecond;
    }

    /**
     * One refusal.
     *
     * @param out takes the lines to write now: none, or this refusal's own line, after the summary of its caller's
     *            window that had ended
     */
    public synchronized void refused(PeerCredentials peer, String reason, long nowNanos, long nowMillis, Consumer<AuditEvent> out)
    {
        Object key = callerOf(peer);
        Caller caller = callers.get(key);
        if (caller != null && nowNanos - caller.windowStartNanos < windowNanos)
        {
            caller.count++;
            caller.reason = reason;
            summarized++;
            return;
        }
        if (caller != null)
        {
            callers.remove(key);
            endWindow(caller, nowNanos, nowMillis, out);
        }
        else if (callers.size() >= maxCallers)
        {
            sweepCallers(nowNanos, nowMillis, out);
            if (callers.size() >= maxCallers)
            {
                summarized++;
                toOthers(1, nowMillis, reason);
                return;
            }
        }
        callers.put(key, new Caller(peer, nowNanos, nowMillis, reason));
        line(AuditEvent.refused(nowMillis, peer, reason), 1, nowMillis, reason, nowNanos, out);
    }

    /**
     * Ends the windows that are over (a summary for each that counted refusals) and forgets those callers; then, if
     * refusals went to the summary of all callers, writes it. Called about once a second.
     */
    public synchronized void sweep(long nowNanos, long nowMillis, Consumer<AuditEvent> out)
    {
        sweepCallers(nowNanos, nowMillis, out);
        writeOthers(nowMillis, out);
    }

    /** At the stop: every window ends now, with its summary, and the summary of all callers follows if need be. */
    public synchronized void flush(long nowNanos, long nowMillis, Consumer<AuditEvent> out)
    {
        for (Caller caller : callers.values())
            endWindow(caller, nowNanos, nowMillis, out);
        callers.clear();
        writeOthers(nowMillis, out);
    }

    /** @return refusals not logged as lines of their own so far (counted in summaries, or about to be) */
    public synchronized long summarized()
    {
        return summarized;
    }

    /** @return the callers kept now */
    public synchronized int callers()
    {
        return callers.size();
    }

    private void sweepCallers(long nowNanos, long nowMillis, Consumer<AuditEvent> out)
    {
        for (Iterator<Caller> each = callers.values().iterator(); each.hasNext(); )
        {
            Caller caller = each.next();
            if (nowNanos - caller.windowStartNanos >= windowNanos)
            {
                each.remove();
                endWindow(caller, nowNanos, nowMillis, out);
            }
        }
    }

    private void endWindow(Caller caller, long nowNanos, long nowMillis, Consumer<AuditEvent> out)
    {
        if (caller.count > 0)
            line(AuditEvent.callerSummary(nowMillis, caller.first, caller.count, caller.sinceMillis, caller.reason),
                caller.count, caller.sinceMillis, caller.reason, nowNanos, out);
    }

    /** A line within the cap, or its refusals (1 for a refusal, N for a summary) go to the summary of all callers. */
    private void line(AuditEvent event, long refusals, long sinceMillis, String reason, long nowNanos, Consumer<AuditEvent> out)
    {
        if (!secondStarted || nowNanos - secondStartNanos >= SECOND_NANOS)
        {
            secondStarted = true;
            secondStartNanos = nowNanos;
            linesThisSecond = 0;
        }
        if (linesThisSecond < maxLinesPerSecond)
        {
            linesThisSecond++;
            out.accept(event);
            return;
        }
        if (event.kind() == AuditEvent.Kind.REFUSED)
            summarized++;
        toOthers(refusals, sinceMillis, reason);
    }

    private void toOthers(long refusals, long sinceMillis, String reason)
    {
        if (othersCount == 0 || sinceMillis < othersSinceMillis)
            othersSinceMillis = sinceMillis;
        othersCount += refusals;
        othersReason = reason;
    }

    private void writeOthers(long nowMillis, Consumer<AuditEvent> out)
    {
        if (othersCount == 0)
            return;
        out.accept(AuditEvent.allSummary(nowMillis, othersCount, othersSinceMillis, othersReason));
        othersCount = 0;
        othersReason = null;
    }

    private static Object callerOf(PeerCredentials peer)
    {
        if (peer.knows(PeerCredentials.Field.UID))
            return peer.uid();
        // Credentials known by name only (the portable layer's) were given their names: no lookup happens here.
        String user = peer.userName();
        return user != null ? user : UNKNOWN_CALLER;
    }

    private static final class Caller
    {
        /** The refusal that opened the window: the summary names its caller. */
        final PeerCredentials first;
        final long windowStartNanos;
        final long sinceMillis;
        long count;
        String reason;

        Caller(PeerCredentials first, long windowStartNanos, long sinceMillis, String reason)
        {
            this.first = first;
            this.windowStartNanos = windowStartNanos;
            this.sinceMillis = sinceMillis;
            this.reason = reason;
        }
    }
}
