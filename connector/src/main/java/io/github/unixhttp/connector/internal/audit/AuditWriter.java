package io.github.unixhttp.connector.internal.audit;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes the audit trail's lines on a thread of its own, as Jetty's {@code AsyncRequestLogWriter} writes a request
 * log: events come from the selector threads, which must never wait on a log appender's I/O or a name service lookup
 * (LDAP, sssd), so they only put the event in a bounded queue. If the queue is full the event is dropped and counted,
 * and a {@code dropped} line says how many once there is room. The same thread runs a periodic task (the refusal
 * summaries) about every {@code tickNanos}, and writes what that task produces directly.
 *
 * <p>Before it starts and after it stops, events are written on the caller's thread: the connections a connector's
 * stop closes are reported after its beans, this writer's owner among them, have stopped.</p>
 */
public final class AuditWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(AuditWriter.class);
    /** Wakes the thread to see that it stops: never written. */
    private static final AuditEvent WAKE_UP = AuditEvent.dropped(0, 0, 0);

    private enum State
    {
        NEW, RUNNING, STOPPED
    }

    private final Logger audit;
    private final boolean keyValuePairs;
    private final Supplier<String> connector;
    private final BlockingQueue<AuditEvent> queue;
    private final long tickNanos;
    private final Runnable periodic;
    private final LongAdder totalDropped;
    private volatile State state = State.NEW;
    private Thread thread;
    // Guarded by this.
    private long dropped;
    private long droppedSinceMillis;
    private boolean warnedOfFailure;

    /**
     * @param audit the logger the lines go to, at INFO
     * @param keyValuePairs whether each field is also an SLF4J key-value pair of the event
     * @param connector where the connector listens, for each line's {@code connector} field
     * @param capacity the most events waiting to be written
     * @param tickNanos how often {@code periodic} runs
     * @param periodic run on the writer's thread about every {@code tickNanos} while it runs
     * @param dropped counts the events dropped, across writers
     */
    public AuditWriter(Logger audit, boolean keyValuePairs, Supplier<String> connector, int capacity, long tickNanos,
                       Runnable periodic, LongAdder dropped)
    {
        this.audit = audit;
        this.keyValuePairs = keyValuePairs;
        this.connector = connector;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.tickNanos = tickNanos;
        this.periodic = periodic;
        this.totalDropped = dropped;
    }

    /** Starts the writer's thread, named {@code name}. */
    public synchronized void start(String name)
    {
        if (state != State.NEW)
            throw new IllegalStateException("started already: " + state);
        thread = new Thread(this::run, name);
        // Never what keeps a JVM alive: the owner's stop drains the queue.
        thread.setDaemon(true);
        state = State.RUNNING;
        thread.start();
    }

    /**
     * Stops the thread once it has written what is queued, then writes what came meanwhile; from now on events are
     * written on the caller's thread.
     */
    public void stop() throws InterruptedException
    {
        Thread running;
        synchronized (this)
        {
            if (state != State.RUNNING)
            {
                state = State.STOPPED;
                return;
            }
            state = State.STOPPED;
            running = thread;
        }
        // Not an interrupt: an appender writing through a FileChannel would have it closed under it. If the queue is
        // full the thread is busy, and sees the stop after its next line.
        queue.offer(WAKE_UP);
        running.join(TimeUnit.SECONDS.toMillis(10));
        drain();
        reportDropped();
    }

    /**
     * Writes the event: queued while the writer runs (dropped and counted if the queue is full), else at once.
     */
    public void offer(AuditEvent event)
    {
        if (state != State.RUNNING)
        {
            write(event);
            return;
        }
        if (!queue.offer(event))
        {
            dropped(System.currentTimeMillis());
            return;
        }
        // Stopped since the check above: the thread may have drained the queue already.
        if (state != State.RUNNING)
            drain();
    }

    /** Writes the event now, on this thread: for the periodic task's lines, which run on the writer's thread already. */
    public void write(AuditEvent event)
    {
        try
        {
            if (!audit.isInfoEnabled())
                return;
            JsonLine line = event.toLine(connector.get());
            String json = line.toJson();
            if (keyValuePairs)
            {
                LoggingEventBuilder builder = audit.atInfo();
                line.forEachField(builder::addKeyValue);
                // The line as an argument, not as the message: a format would take "{}" or "\{}" in a name for a placeholder.
                builder.log("{}", json);
            }
            else
                audit.info("{}", json);
        }
        catch (RuntimeException failure)
        {
            // A failing appender must not stop the trail, nor fill the log with this warning.
            boolean first;
            synchronized (this)
            {
                first = !warnedOfFailure;
                warnedOfFailure = true;
            }
            if (first)
                LOG.warn("The audit trail could not write a line (further failures at DEBUG): {}", event, failure);
            else
                LOG.debug("The audit trail could not write a line: {}", event, failure);
        }
    }

    /** @return events dropped so far because the queue was full, and not yet reported */
    public synchronized long droppedNotReported()
    {
        return dropped;
    }

    private void run()
    {
        long lastTick = System.nanoTime();
        while (state == State.RUNNING)
        {
            try
            {
                AuditEvent event = queue.poll(tickNanos, TimeUnit.NANOSECONDS);
                if (event != null && event != WAKE_UP)
                    write(event);
            }
            catch (InterruptedException interrupted)
            {
                // Not by stop(), which wakes it with an event: ending here would leave events queued with no one to
                // write them, so the trail goes on until its owner stops it.
                continue;
            }
            long now = System.nanoTime();
            if (now - lastTick >= tickNanos)
            {
                lastTick = now;
                tick();
            }
        }
    }

    private void tick()
    {
        try
        {
            periodic.run();
        }
        catch (RuntimeException failure)
        {
            LOG.warn("The audit trail's periodic task failed", failure);
        }
        reportDropped();
    }

    private void drain()
    {
        for (AuditEvent event = queue.poll(); event != null; event = queue.poll())
        {
            if (event != WAKE_UP)
                write(event);
        }
    }

    private synchronized void dropped(long nowMillis)
    {
        totalDropped.increment();
        if (dropped == 0)
            droppedSinceMillis = nowMillis;
        dropped++;
    }

    private void reportDropped()
    {
        long count;
        long since;
        synchronized (this)
        {
            count = dropped;
            since = droppedSinceMillis;
            dropped = 0;
        }
        if (count > 0)
            write(AuditEvent.dropped(System.currentTimeMillis(), count, since));
    }
}
