package io.github.unixhttp.unit.internal.jetty;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Objects;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixRouteException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HttpClient to a Linux abstract name. The JDK's channels cannot connect to such names, so the native edge
 * connects (see {@code NativeEdge.connectAbstractName}) and the connected channel is handed to a client connector
 * to run: the HttpClient's own when the edge gave a JDK channel, as it does when this JVM exports
 * {@code java.base/sun.nio.ch} to us; else, for jnr's channels, a second client connector that runs jnr's selector,
 * one per HttpClient, on the client's own executor and scheduler, started and stopped with it. The HttpClient then
 * runs the connections like any other, with the server identity check before the request is written, its idle
 * timeout, and the connect retry while the server's backlog is full. It connects only for an HttpClient from
 * {@code JettyUnixClients.newHttpClient} (see {@link UnixHttpClient#refusalOfPlainClient}).
 */
final class AbstractNameTransport extends Transport.Socket
{
    private final UnixSocketAddress address;
    private final ServerIdentityCheck identity;

    /**
     * @param address an abstract name
     */
    AbstractNameTransport(UnixSocketAddress address, ServerIdentityCheck identity)
    {
        this.address = address;
        this.identity = identity;
    }

    @Override
    public SocketAddress getSocketAddress()
    {
        return NativeEdge.abstractNameAddress(address.abstractName());
    }

    @Override
    public SelectableChannel newSelectableChannel()
    {
        throw new UnsupportedOperationException("connections to abstract names are made by connect(SocketAddress, Map)");
    }

    @Override
    public EndPoint newEndPoint(Scheduler scheduler, ManagedSelector selector, SelectableChannel channel, SelectionKey key)
    {
        return new SocketChannelEndPoint((SocketChannel)channel, selector, key, scheduler);
    }

    @Override
    public void connect(SocketAddress socketAddress, Map<String, Object> context)
    {
        UnixRouteException plain = UnixHttpClient.refusalOfPlainClient(context, this);
        if (plain != null)
        {
            ((Promise<?>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY)).failed(plain);
            return;
        }
        HttpClient client = (HttpClient)context.get(ClientConnector.HTTP_CLIENT_CONTEXT_KEY);
        ClientConnector own = (ClientConnector)context.get(ClientConnector.CONTEXT_KEY);
        RetryingConnect.connect(own, context, address, own.getConnectTimeout(), attemptContext ->
        {
            SocketChannel channel = NativeEdge.connectAbstractName(address.abstractName());
            try
            {
                ClientConnector runner = NativeEdge.needsNativeSelector(channel) ? AbstractNameConnector.of(client) : own;
                runner.accept(channel, attemptContext);
            }
            catch (Exception failure)
            {
                channel.close();
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
        });
    }

    @Override
    public Connection newConnection(EndPoint endPoint, Map<String, Object> context) throws IOException
    {
        identity.verify(endPoint instanceof SocketChannelEndPoint socketEndPoint ? (SocketChannel)socketEndPoint.getChannel() : null,
            address.toString());
        // The endpoint was made by our connector; the client's idle timeout is the one its user set.
        HttpClient client = (HttpClient)context.get(ClientConnector.HTTP_CLIENT_CONTEXT_KEY);
        if (client != null)
            endPoint.setIdleTimeout(client.getIdleTimeout());
        return super.newConnection(endPoint, context);
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof AbstractNameTransport that && address.equals(that.address) && Objects.equals(identity, that.identity);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(address, identity);
    }

    @Override
    public String toString()
    {
        return "AbstractNameTransport[" + address + "]";
    }

    /** A client connector on jnr's selector, a managed bean of the HttpClient it serves: it only runs connected channels. */
    private static final class AbstractNameConnector extends ClientConnector
    {
        private static final Object CREATION = new Object();

        static ClientConnector of(HttpClient client) throws Exception
        {
            synchronized (CREATION)
            {
                // A retry scheduled before the client stopped must not start a selector nothing would stop.
                if (!client.isRunning())
                    throw new IOException("the HttpClient is not running: " + client);
                AbstractNameConnector connector = client.getBean(AbstractNameConnector.class);
                if (connector == null)
                {
                    connector = new AbstractNameConnector();
                    connector.setExecutor(client.getExecutor());
                    connector.setScheduler(client.getScheduler());
                    connector.setByteBufferPool(client.getByteBufferPool());
                    connector.setSelectors(1);
                    client.addBean(connector, true);
                }
                if (!connector.isStarted())
                    connector.start();
                return connector;
            }
        }

        @Override
        protected SelectorManager newSelectorManager()
        {
            return new ClientSelectorManager(getExecutor(), getScheduler(), getSelectors())
            {
                @Override
                protected Selector newSelector() throws IOException
                {
                    return NativeEdge.openNativeSelector();
                }
            };
        }
    }
}
