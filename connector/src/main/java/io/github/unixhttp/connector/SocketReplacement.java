package io.github.unixhttp.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EventListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.AcceptingSocket;
import io.github.unixhttp.connector.internal.ReplacementDrain;
import io.github.unixhttp.connector.internal.ReplacementWatch;
import io.github.unixhttp.connector.internal.binding.BoundSocketFile;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The takeover's life on a started connector with a socket file. A takeover's socket is published once the
 * {@link Server} has started (all its handlers and connectors), so that a server failing to start never takes the
 * path from the running one; a publication that fails (another server took the path meanwhile) fails the server's
 * start. From publication on, a {@link ReplacementWatch} looks at the path, and when another server takes it, a
 * {@link ReplacementDrain} drains the connector, tells the {@link SocketReplacedListener}s and runs the
 * {@link WhenReplaced} action. Of its connector it uses the public API only: it is the source of the events, and what
 * the drain shuts down and the replacement action may stop.
 */
final class SocketReplacement implements LifeCycle.Listener, ReplacementDrain.Steps
{
    private static final Logger LOG = LoggerFactory.getLogger(SocketReplacement.class);
    /** How long the drain waits for connections to end when the server has no stop timeout of its own. */
    private static final long DEFAULT_DRAIN_MILLIS = 30_000;

    private final UnixSocketConnector connector;
    private final Server server;
    private final Scheduler scheduler;
    private final SocketFileOptions options;
    private final BoundSocketFile socket;
    private final AcceptingSocket accepting;
    private final Supplier<List<EventListener>> listeners;
    private volatile ReplacementWatch watch;
    private volatile boolean replaced;
    private volatile boolean stopped;

    private SocketReplacement(UnixSocketConnector connector, BoundSocketFile socket, AcceptingSocket accepting,
                              Supplier<List<EventListener>> listeners)
    {
        this.connector = connector;
        this.server = connector.getServer();
        this.scheduler = connector.getScheduler();
        this.options = connector.getSocketFile();
        this.socket = socket;
        this.accepting = accepting;
        this.listeners = listeners;
    }

    /**
     * Publishes the socket now if the server runs already, else once it has started (see {@code
     * JettyCallOrder.Assumption.STARTED_LISTENER_FAILURE_FAILS_THE_START}); then watches the path.
     *
     * @param accepting the connector's socket, from which the drain takes what is left in the backlog
     * @param listeners the connector's event listeners as they are at each event: the {@link SocketReplacedListener}s
     *                  among them are told
     * @return {@code null} for sockets without a file of ours (abstract names, inherited sockets)
     */
    static SocketReplacement start(UnixSocketConnector connector, AcceptingSocket accepting,
                                   Supplier<List<EventListener>> listeners)
        throws IOException
    {
        ListeningSocket opened = accepting.listening();
        if (!(opened instanceof BoundSocketFile socket))
            return null;
        SocketReplacement replacement = new SocketReplacement(connector, socket, accepting, listeners);
        Server server = replacement.server;
        if (socket.isPublished())
            replacement.watch();
        else if (server.isStarted())
            replacement.publish();
        else
            server.addEventListener(replacement);
        return replacement;
    }

    /** Publishes once the server has started: a failure here fails {@code Server.start()}. */
    @Override
    public void lifeCycleStarted(LifeCycle event)
    {
        server.removeEventListener(this);
        if (stopped)
            return;
        try
        {
            publish();
        }
        catch (IOException failure)
        {
            // Its message is the bind problem's own sentence, which the cause repeats.
            throw new UncheckedIOException(failure.getMessage(), failure);
        }
    }

    private void publish() throws IOException
    {
        socket.publish();
        watch();
    }

    private void watch()
    {
        ReplacementWatch started = new ReplacementWatch(scheduler, socket, options.replacementCheckInterval().toMillis(),
            this::onReplaced);
        watch = started;
        if (stopped)
            return;
        started.start();
    }

    private void onReplaced()
    {
        if (stopped)
            return;
        replaced = true;
        long stopTimeout = server.getStopTimeout();
        new ReplacementDrain(connector, this, options.replacementCheckInterval().toMillis(),
            stopTimeout > 0 ? stopTimeout : DEFAULT_DRAIN_MILLIS).start();
    }

    /** @return whether the path was taken over from this connector */
    boolean isReplaced()
    {
        return replaced;
    }

    /** On the connector's stop: no more publication or watching. */
    void stop()
    {
        stopped = true;
        server.removeEventListener(this);
        ReplacementWatch current = watch;
        if (current != null)
            current.stop();
    }

    @Override
    public void replaced()
    {
        tell(listener -> listener.onReplaced(connector));
    }

    /** A listener that throws is logged: it must not stop the drain, nor the replacement action after it. */
    private void tell(Consumer<SocketReplacedListener> call)
    {
        for (EventListener listener : listeners.get())
        {
            if (!(listener instanceof SocketReplacedListener replacedListener))
                continue;
            try
            {
                call.accept(replacedListener);
            }
            catch (RuntimeException failure)
            {
                LOG.warn("{}: {} failed: {}", connector, listener, failure.toString());
            }
        }
    }

    @Override
    public void acceptWhatIsLeft()
    {
        accepting.acceptWhatIsLeft();
    }

    @Override
    public CompletableFuture<Void> shutdown()
    {
        return connector.shutdown();
    }

    @Override
    public void drained(boolean complete)
    {
        tell(listener -> listener.onDrained(connector, complete));
        try
        {
            switch (options.whenReplaced())
            {
                case STOP_SERVER -> server.stop();
                case STOP_CONNECTOR -> connector.stop();
                case NOTHING -> LOG.debug("{} drained; WhenReplaced.NOTHING leaves the rest to its listeners", connector);
            }
        }
        catch (Exception failure)
        {
            LOG.warn("{}: stopping after the takeover failed: {}", connector, failure.toString());
        }
    }
}
