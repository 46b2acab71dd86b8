package io.github.unixhttp.connector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.ReplacementDrain;
import io.github.unixhttp.connector.internal.ReplacementWatch;
import io.github.unixhttp.connector.internal.binding.BoundSocketFile;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The takeover's life on a started connector with a socket file. A takeover's socket is published once the
 * {@link Server} has started (all its handlers and connectors), so that a server failing to start never takes the
 * path from the running one; a publication that fails (another server took the path meanwhile) fails the server's
 * start. From publication on, a {@link ReplacementWatch} looks at the path, and when another server takes it, a
 * {@link ReplacementDrain} drains the connector, tells the {@link SocketReplacedListener}s and runs the
 * {@link WhenReplaced} action.
 */
final class SocketReplacement implements LifeCycle.Listener, ReplacementDrain.Steps
{
    private static final Logger LOG = LoggerFactory.getLogger(SocketReplacement.class);
    /** How long the drain waits for connections to end when the server has no stop timeout of its own. */
    private static final long DEFAULT_DRAIN_MILLIS = 30_000;

    private final UnixSocketConnector connector;
    private final BoundSocketFile socket;
    private final List<SocketReplacedListener> listeners;
    private volatile ReplacementWatch watch;
    private volatile boolean replaced;
    private volatile boolean stopped;

    private SocketReplacement(UnixSocketConnector connector, BoundSocketFile socket, List<SocketReplacedListener> listeners)
    {
        this.connector = connector;
        this.socket = socket;
        this.listeners = listeners;
    }

    /**
     * Publishes the socket now if the server runs already, else once it has started; then watches the path.
     *
     * @return {@code null} for sockets without a file of ours (abstract names, inherited sockets)
     */
    static SocketReplacement start(UnixSocketConnector connector, ListeningSocket opened, List<SocketReplacedListener> listeners)
        throws IOException
    {
        if (!(opened instanceof BoundSocketFile socket))
            return null;
        SocketReplacement replacement = new SocketReplacement(connector, socket, listeners);
        Server server = connector.getServer();
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
        connector.getServer().removeEventListener(this);
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
        ReplacementWatch started = new ReplacementWatch(connector.getScheduler(), socket,
            connector.getSocketFile().replacementCheckInterval().toMillis(), this::onReplaced);
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
        long stopTimeout = connector.getServer().getStopTimeout();
        new ReplacementDrain(connector, this, connector.getSocketFile().replacementCheckInterval().toMillis(),
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
        connector.getServer().removeEventListener(this);
        ReplacementWatch current = watch;
        if (current != null)
            current.stop();
    }

    @Override
    public void replaced()
    {
        for (SocketReplacedListener listener : listeners)
            tell(listener, () -> listener.onReplaced(connector));
    }

    /** A listener that throws is logged: it must not stop the drain, nor the replacement action after it. */
    private void tell(SocketReplacedListener listener, Runnable call)
    {
        try
        {
            call.run();
        }
        catch (RuntimeException failure)
        {
            LOG.warn("{}: {} failed: {}", connector, listener, failure.toString());
        }
    }

    @Override
    public void acceptWhatIsLeft()
    {
        connector.acceptWhatIsLeft();
    }

    @Override
    public CompletableFuture<Void> shutdown()
    {
        return connector.shutdown();
    }

    @Override
    public void drained(boolean complete)
    {
        for (SocketReplacedListener listener : listeners)
            tell(listener, () -> listener.onDrained(connector, complete));
        try
        {
            switch (connector.getSocketFile().whenReplaced())
            {
                case STOP_SERVER -> connector.getServer().stop();
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
