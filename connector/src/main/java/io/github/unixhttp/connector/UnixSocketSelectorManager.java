package io.github.unixhttp.connector;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The selectors of a {@link UnixSocketConnector}, as Jetty's own connectors have theirs: each call Jetty makes here
 * goes to one of the connector's protected methods ({@link UnixSocketConnector#accepted accepted}, {@link
 * UnixSocketConnector#newEndPoint newEndPoint}, {@link UnixSocketConnector#newConnection newConnection}, and Jetty's
 * {@code onEndPointOpened} and {@code onEndPointClosed}, which the connector hands over as it makes this). Made by
 * {@link UnixSocketConnector#newSelectorManager}, which a subclass may override to return a subclass of this, as with
 * Jetty's {@code ServerConnector.newSelectorManager}.
 */
public class UnixSocketSelectorManager extends SelectorManager
{
    private final UnixSocketConnector connector;
    /** For a graceful stop, which waits until the connections it took from the backlog are open. */
    private final LongAdder openedEndPoints = new LongAdder();
    private volatile Consumer<EndPoint> onEndPointOpened = endPoint -> {};
    private volatile Consumer<EndPoint> onEndPointClosed = endPoint -> {};
    private volatile boolean nativeSelectors;

    /**
     * @param connector the connector whose accepted channels, endpoints and connections these selectors handle
     * @param selectors the number of selector threads; -1 for Jetty's default
     */
    public UnixSocketSelectorManager(UnixSocketConnector connector, Executor executor, Scheduler scheduler, int selectors)
    {
        super(executor, scheduler, selectors);
        this.connector = connector;
    }

    /** @return the connector these selectors serve */
    public UnixSocketConnector getConnector()
    {
        return connector;
    }

    /**
     * Set by the connector that made this: its {@code AbstractConnector.onEndPointOpened} and {@code onEndPointClosed},
     * which keep its set of open connections (Jetty's own managers, inner classes, call them directly).
     */
    void reportEndPoints(Consumer<EndPoint> opened, Consumer<EndPoint> closed)
    {
        this.onEndPointOpened = opened;
        this.onEndPointClosed = closed;
    }

    /** Set by the connector before it starts: jnr's channels (abstract names) register only with jnr's selector. */
    void useNativeSelectors(boolean nativeSelectors)
    {
        this.nativeSelectors = nativeSelectors;
    }

    ManagedSelector selectorForAccepting()
    {
        return chooseSelector();
    }

    /** @return how many endpoints these selectors have opened so far */
    long openedEndPoints()
    {
        return openedEndPoints.sum();
    }

    @Override
    protected void accepted(SelectableChannel channel) throws IOException
    {
        connector.accepted((SocketChannel)channel);
    }

    @Override
    protected Selector newSelector() throws IOException
    {
        return nativeSelectors ? NativeEdge.openNativeSelector() : super.newSelector();
    }

    @Override
    protected EndPoint newEndPoint(SelectableChannel channel, ManagedSelector selector, SelectionKey key) throws IOException
    {
        return connector.newEndPoint((SocketChannel)channel, selector, key);
    }

    @Override
    public Connection newConnection(SelectableChannel channel, EndPoint endPoint, Object attachment)
    {
        return connector.newConnection(endPoint);
    }

    /**
     * The connection is open: its first request, usually there already, is served on this thread (see {@code
     * JettyCallOrder.Assumption.SELECTOR_OPENS_ENDPOINT_THEN_CONNECTION}). Final: the endpoint holds its first fill
     * interest until this releases it, so an override that did not call it would leave every connection waiting for
     * its idle timeout.
     */
    @Override
    public final void connectionOpened(Connection connection, Object context)
    {
        super.connectionOpened(connection, context);
        if (connection.getEndPoint() instanceof UnixSocketEndPoint endPoint)
            endPoint.opened();
    }

    @Override
    protected void endPointOpened(EndPoint endPoint)
    {
        super.endPointOpened(endPoint);
        openedEndPoints.increment();
        onEndPointOpened.accept(endPoint);
    }

    @Override
    protected void endPointClosed(EndPoint endPoint)
    {
        onEndPointClosed.accept(endPoint);
        super.endPointClosed(endPoint);
    }
}
