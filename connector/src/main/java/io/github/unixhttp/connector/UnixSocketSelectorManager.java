package io.github.unixhttp.connector;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;

import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The selectors of a {@link UnixSocketConnector}: Jetty's, handing accepted channels, endpoints and connections to the
 * connector's {@code accepted}, {@link UnixSocketConnector#newEndPoint newEndPoint} and {@link
 * UnixSocketConnector#newConnection newConnection}. Made by {@link UnixSocketConnector#newSelectorManager}, which a
 * subclass may override to return a subclass of this, as with Jetty's {@code ServerConnector.newSelectorManager}.
 */
public class UnixSocketSelectorManager extends SelectorManager
{
    private final UnixSocketConnector connector;

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

    ManagedSelector selectorForAccepting()
    {
        return chooseSelector();
    }

    @Override
    protected void accepted(SelectableChannel channel) throws IOException
    {
        connector.accepted((SocketChannel)channel);
    }

    /** jnr's channels (abstract names) register only with jnr's selector. */
    @Override
    protected Selector newSelector() throws IOException
    {
        return connector.needsNativeSelector() ? NativeEdge.openNativeSelector() : super.newSelector();
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
     * The connection is open: its first request, usually there already, is served on this thread. Final: the endpoint
     * holds its first fill interest until this releases it, so an override that did not call it would leave every
     * connection waiting for its idle timeout.
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
        connector.endPointOpened(endPoint);
    }

    @Override
    protected void endPointClosed(EndPoint endPoint)
    {
        connector.endPointClosed(endPoint);
        super.endPointClosed(endPoint);
    }
}
