package io.github.unixhttp.connector.audit;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.UnixSocketEndPoint;
import io.github.unixhttp.connector.credentials.PeerListener;
import io.github.unixhttp.connector.internal.audit.AuditEvent;
import io.github.unixhttp.connector.internal.audit.AuditWriter;
import io.github.unixhttp.connector.internal.audit.OpenConnection;
import io.github.unixhttp.connector.internal.audit.RefusalBudget;
import io.github.unixhttp.connector.internal.policy.RefusalConnection;
import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.annotation.ManagedAttribute;
import org.eclipse.jetty.util.annotation.ManagedObject;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.component.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An audit trail of who connected: one JSON line per accepted, refused and closed connection on the SLF4J logger
 * {@value #LOGGER_NAME}, at INFO, with the peer's credentials (uid, gid, pid, user and group names; executable,
 * systemd unit and cgroup when the connector reads processes), when, for how long, how many requests and bytes, and
 * why a refusal. Each field is also an SLF4J key-value pair of the event, for an appender that makes them journald
 * fields. {@code docs/audit.md} describes every field.
 *
 * <pre>{@code
 * UnixSocketConnector connector = new UnixSocketConnector(server);
 * connector.addBean(new AuditTrail());
 * }</pre>
 *
 * <p>Add it to one connector, before the server starts (as Jetty's {@code ConnectionStatistics}): it hears of every
 * connection as a {@link Connection.Listener}, and of every refusal as a {@link PeerListener}. Accepted and closed
 * connections are one line each, joined by a per-connector sequence number ({@code connection}); the connector's limits
 * on connections bound how many there are. Refusals are bounded here: a caller's first refusal in a {@linkplain
 * #setRefusalWindowMillis window} is a line, the rest of the window one {@code refused-summary}; across callers at most
 * {@linkplain #setMaxRefusalLinesPerSecond so many} refusal lines a second, and what is over goes to one summary of
 * all callers.</p>
 *
 * <p>The selector threads that accept connections only capture each event and queue it: a thread of the trail's own
 * renders and logs it (a user name lookup, the appender's I/O), as Jetty's asynchronous request log does. If that
 * thread falls {@linkplain #setMaxQueuedEvents too far behind}, events are dropped, counted, and a {@code dropped}
 * line says how many.</p>
 */
@ManagedObject("Who connected: a JSON line per accepted, refused and closed connection on the logger io.github.unixhttp.audit")
public class AuditTrail extends AbstractLifeCycle implements Connection.Listener, PeerListener, Container.Listener
{
    /** The logger the trail's lines go to, at INFO. */
    public static final String LOGGER_NAME = "io.github.unixhttp.audit";
    /** A caller's refusal window unless set otherwise: ten seconds. */
    public static final long DEFAULT_REFUSAL_WINDOW_MILLIS = TimeUnit.SECONDS.toMillis(10);
    /** Refusal lines a second across callers, unless set otherwise. */
    public static final int DEFAULT_MAX_REFUSAL_LINES_PER_SECOND = 20;
    /** Callers whose refusal windows are kept at once, unless set otherwise. */
    public static final int DEFAULT_MAX_CALLERS = 1024;
    /** Events waiting to be written, at most, unless set otherwise. */
    public static final int DEFAULT_MAX_QUEUED_EVENTS = 8192;

    private static final Logger AUDIT = LoggerFactory.getLogger(LOGGER_NAME);
    private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The connections open now, by their (innermost) endpoint: one entry per socket, whatever protocols it goes through. */
    private final Map<EndPoint, OpenConnection> open = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private long refusalWindowMillis = DEFAULT_REFUSAL_WINDOW_MILLIS;
    private int maxRefusalLinesPerSecond = DEFAULT_MAX_REFUSAL_LINES_PER_SECOND;
    private int maxCallers = DEFAULT_MAX_CALLERS;
    private int maxQueuedEvents = DEFAULT_MAX_QUEUED_EVENTS;
    private boolean keyValuePairs = true;
    private volatile Connector connector;
    private volatile String connectorName;
    // Made again at each start and each change of the settings, so that they apply even to a trail never started.
    private volatile RefusalBudget budget = newBudget();
    private volatile AuditWriter writer = newWriter();

    @ManagedAttribute("How long a caller's refusal window lasts, in milliseconds: its first refusal is a line, the rest one summary")
    public long getRefusalWindowMillis()
    {
        return refusalWindowMillis;
    }

    /** @param millis how long a caller's refusal window lasts, from the refusal logged that opens it */
    public void setRefusalWindowMillis(long millis)
    {
        checkNotRunning();
        if (millis <= 0)
            throw new IllegalArgumentException("a refusal window must be positive: " + millis);
        refusalWindowMillis = millis;
        budget = newBudget();
    }

    @ManagedAttribute("The most refusal lines (refusals and per-caller summaries) a second, across callers")
    public int getMaxRefusalLinesPerSecond()
    {
        return maxRefusalLinesPerSecond;
    }

    /** @param lines the most refusal lines a second across callers; refusals over it go to one summary of all callers */
    public void setMaxRefusalLinesPerSecond(int lines)
    {
        checkNotRunning();
        if (lines <= 0)
            throw new IllegalArgumentException("lines per second must be positive: " + lines);
        maxRefusalLinesPerSecond = lines;
        budget = newBudget();
    }

    @ManagedAttribute("The most callers whose refusal windows are kept at once")
    public int getMaxCallers()
    {
        return maxCallers;
    }

    /**
     * @param callers the most callers whose refusal windows are kept at once (a caller is forgotten once its window is
     *                over); refusals of callers over it go to one summary of all callers
     */
    public void setMaxCallers(int callers)
    {
        checkNotRunning();
        if (callers <= 0)
            throw new IllegalArgumentException("callers must be positive: " + callers);
        maxCallers = callers;
        budget = newBudget();
    }

    @ManagedAttribute("The most events waiting to be written; more are dropped and counted")
    public int getMaxQueuedEvents()
    {
        return maxQueuedEvents;
    }

    /** @param events the most events waiting to be written; events over it are dropped, counted and reported */
    public void setMaxQueuedEvents(int events)
    {
        checkNotRunning();
        if (events <= 0)
            throw new IllegalArgumentException("queued events must be positive: " + events);
        maxQueuedEvents = events;
        writer = newWriter();
    }

    @ManagedAttribute("Whether each field is also an SLF4J key-value pair of the event (journald fields)")
    public boolean isKeyValuePairs()
    {
        return keyValuePairs;
    }

    /**
     * @param keyValuePairs whether each field is also an SLF4J 2 key-value pair of the event (default: yes), which an
     *                      appender can make journald fields. Turn it off with a logging backend that writes them into
     *                      the line, before the JSON (slf4j-simple does)
     */
    public void setKeyValuePairs(boolean keyValuePairs)
    {
        checkNotRunning();
        this.keyValuePairs = keyValuePairs;
        writer = newWriter();
    }

    @ManagedAttribute("Connections accepted and logged")
    public long getAcceptedConnections()
    {
        return accepted.sum();
    }

    @ManagedAttribute("Connections closed and logged")
    public long getClosedConnections()
    {
        return closed.sum();
    }

    @ManagedAttribute("Accepted connections not closed yet")
    public int getOpenConnections()
    {
        return open.size();
    }

    @ManagedAttribute("Connections refused by the peer policy")
    public long getRefusedConnections()
    {
        return refused.sum();
    }

    @ManagedAttribute("Refusals counted in a summary rather than logged as lines of their own")
    public long getSummarizedRefusals()
    {
        return budget.summarized();
    }

    @ManagedAttribute("Events dropped because the trail's writer fell behind (each reported by a dropped line)")
    public long getDroppedEvents()
    {
        return dropped.sum();
    }

    /**
     * Learns its connector as Jetty adds it there as a bean ({@code connector.addBean(trail)}, or {@code
     * addEventListener}), since a refusal does not say which connector refused.
     *
     * @throws IllegalArgumentException if added to something other than a connector, where it would hear of nothing
     * @throws IllegalStateException if added to a second connector: a trail numbers one connector's connections
     */
    @Override
    public void beanAdded(Container parent, Object child)
    {
        if (child != this)
            return;
        if (!(parent instanceof Connector added))
            throw new IllegalArgumentException("An AuditTrail hears of connections only as a bean of a connector: " +
                "connector.addBean(trail), not " + parent + ".addBean(trail)");
        synchronized (this)
        {
            if (connector != null && connector != added)
                throw new IllegalStateException("An AuditTrail audits one connector: it is " + connector + "'s already; " +
                    "add a new AuditTrail to " + added);
            connector = added;
        }
    }

    @Override
    public void beanRemoved(Container parent, Object child)
    {
        if (child == this && parent == connector)
            connector = null;
    }

    @Override
    protected void doStart() throws Exception
    {
        connectorName = nameOf(connector);
        budget = newBudget();
        // Connections a previous run left without a close (the connector stops its selectors after its beans).
        reportClosedEndPoints(false, writer::offer);
        AuditWriter started = newWriter();
        writer = started;
        started.start("audit-trail[" + connectorName + "]");
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception
    {
        super.doStop();
        AuditWriter stopping = writer;
        budget.flush(System.nanoTime(), System.currentTimeMillis(), stopping::offer);
        stopping.stop();
    }

    @Override
    public void onOpened(Connection connection)
    {
        // Refused peers are reported by onRefused (Jetty's factories give their listeners to the connections they make,
        // and the refusal's is made by the connector: this only keeps it so).
        if (connection instanceof RefusalConnection || !AUDIT.isInfoEnabled())
            return;
        EndPoint endPoint = socketOf(connection);
        OpenConnection record = open.get(endPoint);
        if (record != null)
        {
            // An upgrade (PROXY protocol to HTTP, HTTP/1.1 to h2c): the same connection, through another protocol.
            record.upgradedTo(connection);
            return;
        }
        PeerCredentials peer = endPoint instanceof UnixSocketEndPoint unix ? unix.getPeerCredentials() : null;
        record = new OpenConnection(sequence.incrementAndGet(), peer, endPoint.getCreatedTimeStamp(), connection);
        open.put(endPoint, record);
        accepted.increment();
        writer.offer(AuditEvent.accepted(System.currentTimeMillis(), record.id(), peer));
    }

    @Override
    public void onClosed(Connection connection)
    {
        EndPoint endPoint = socketOf(connection);
        OpenConnection record = open.get(endPoint);
        if (record == null)
            return;
        // Jetty closes a connection on an open endpoint only to upgrade it: the next connection carries on the count.
        if (endPoint.isOpen())
        {
            record.upgradedFrom(connection);
            return;
        }
        if (open.remove(endPoint, record))
            reportClosed(record, connection, writer::offer);
    }

    @Override
    public void onRefused(PeerCredentials peer, String reason)
    {
        refused.increment();
        if (!AUDIT.isInfoEnabled())
            return;
        AuditWriter current = writer;
        budget.refused(peer, reason, System.nanoTime(), System.currentTimeMillis(), current::offer);
    }

    /** Over a per-caller limit: a refusal like the policy's, under the same bounds, its reason saying which limit. */
    @Override
    public void onRefusedOverLimit(PeerCredentials peer, String reason)
    {
        onRefused(peer, reason);
    }

    private void reportClosed(OpenConnection record, Connection last, Consumer<AuditEvent> out)
    {
        closed.increment();
        long now = System.currentTimeMillis();
        out.accept(AuditEvent.closed(now, record.id(), record.peer(), Math.max(0, now - record.createdMillis()),
            record.requests(last), record.bytesIn(last), record.bytesOut(last)));
    }

    /** On the writer's thread, about once a second. */
    private void tick(AuditWriter out)
    {
        budget.sweep(System.nanoTime(), System.currentTimeMillis(), out::write);
        reportClosedEndPoints(true, out::write);
    }

    /**
     * A safety net, so that the map of open connections stays bounded whatever happens: an endpoint found closed on two
     * ticks in a row (Jetty tells its connection within milliseconds) is reported closed with what it counted.
     *
     * @param secondLook whether to wait for a second look (while running), or report at once (at a start)
     */
    private void reportClosedEndPoints(boolean secondLook, Consumer<AuditEvent> out)
    {
        for (Map.Entry<EndPoint, OpenConnection> entry : open.entrySet())
        {
            OpenConnection record = entry.getValue();
            if (entry.getKey().isOpen() || (secondLook && !record.seenClosedBefore()))
                continue;
            if (open.remove(entry.getKey(), record))
                reportClosed(record, record.current(), out);
        }
    }

    private RefusalBudget newBudget()
    {
        return new RefusalBudget(TimeUnit.MILLISECONDS.toNanos(refusalWindowMillis), maxCallers, maxRefusalLinesPerSecond);
    }

    private AuditWriter newWriter()
    {
        long tick = Math.min(TICK_NANOS, TimeUnit.MILLISECONDS.toNanos(refusalWindowMillis));
        AuditWriter[] made = new AuditWriter[1];
        made[0] = new AuditWriter(AUDIT, keyValuePairs, this::connectorName, maxQueuedEvents, tick, () -> tick(made[0]),
            dropped);
        return made[0];
    }

    private String connectorName()
    {
        String name = connectorName;
        return name != null ? name : nameOf(connector);
    }

    /** @return where the connector listens: the socket's path, {@code @name}, or as the connector names itself */
    private static String nameOf(Connector connector)
    {
        if (connector instanceof UnixSocketConnector unix)
        {
            SocketAddress local = unix.getLocalSocketAddress();
            if (local instanceof UnixDomainSocketAddress path && !path.getPath().toString().isEmpty())
                return path.getPath().toString();
            return unix.getAddress() == null ? null : unix.getAddress().toString();
        }
        return connector == null ? null : connector.toString();
    }

    /** @return the socket's endpoint, under those that wrap it (the PROXY protocol's) */
    private static EndPoint socketOf(Connection connection)
    {
        EndPoint endPoint = connection.getEndPoint();
        UnixSocketEndPoint unix = UnixSocketEndPoint.unwrap(endPoint);
        if (unix != null)
            return unix;
        while (endPoint instanceof EndPoint.Wrapper wrapper)
            endPoint = wrapper.unwrap();
        return endPoint;
    }

    private void checkNotRunning()
    {
        if (isRunning())
            throw new IllegalStateException("Cannot change " + this + " while it runs: stop it first");
    }

    @Override
    public String toString()
    {
        return String.format("%s@%x[%s]", getClass().getSimpleName(), hashCode(), connectorName());
    }
}
