package io.github.unixhttp.unit.jetty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import io.github.unixhttp.connector.nativeedge.NativeEdge;
import io.github.unixhttp.unit.ServerIdentityCheck;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HttpClient to a Linux abstract name. The JDK's channels cannot reach such names and HttpClient's selectors
 * take only the JDK's channels, so these connections are made with jnr's channels by a client connector of our own
 * running jnr's selector, one for the whole JVM (daemon threads, started on first use). The HttpClient runs the
 * connections it gets like any other, with the server identity check before the request is written.
 */
final class AbstractNameTransport extends Transport.Socket
{
    private final String name;
    private final ServerIdentityCheck identity;

    AbstractNameTransport(String name, ServerIdentityCheck identity)
    {
        this.name = name;
        this.identity = identity;
    }

    @Override
    public SocketAddress getSocketAddress()
    {
        return NativeEdge.abstractNameAddress(name);
    }

    @Override
    public SelectableChannel newSelectableChannel() throws IOException
    {
        return NativeEdge.openAbstractNameClient();
    }

    @Override
    public EndPoint newEndPoint(Scheduler scheduler, ManagedSelector selector, SelectableChannel channel, SelectionKey key)
    {
        return new SocketChannelEndPoint((SocketChannel)channel, selector, key, scheduler);
    }

    @Override
    public void connect(SocketAddress address, Map<String, Object> context)
    {
        // The timeout is the one the HttpClient's own connector was given; the connect goes through ours.
        Duration timeout = ((ClientConnector)context.get(ClientConnector.CONTEXT_KEY)).getConnectTimeout();
        ClientConnector connector = SharedConnector.get();
        context.put(ClientConnector.CONTEXT_KEY, connector);
        RetryingConnect.connect(connector, address, context, "@" + name, timeout);
    }

    @Override
    public Connection newConnection(EndPoint endPoint, Map<String, Object> context) throws IOException
    {
        if (endPoint instanceof SocketChannelEndPoint socketEndPoint)
            identity.verify((SocketChannel)socketEndPoint.getChannel(), "@" + name);
        return super.newConnection(endPoint, context);
    }

    @Override
    public boolean equals(Object other)
    {
        return other instanceof AbstractNameTransport that && name.equals(that.name) && Objects.equals(identity, that.identity);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(name, identity);
    }

    @Override
    public String toString()
    {
        return "AbstractNameTransport[@" + name + "]";
    }

    /** The client connector on jnr's selector, started on first use and running as long as the JVM. */
    private static final class SharedConnector
    {
        private static final ClientConnector INSTANCE = start();

        static ClientConnector get()
        {
            return INSTANCE;
        }

        private static ClientConnector start()
        {
            QueuedThreadPool threads = new QueuedThreadPool(64, 2);
            threads.setName("unixhttp-abstract-client");
            threads.setDaemon(true);
            ClientConnector connector = new ClientConnector()
            {
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
            };
            connector.setExecutor(threads);
            connector.setScheduler(new ScheduledExecutorScheduler("unixhttp-abstract-client-scheduler", true));
            connector.setSelectors(1);
            try
            {
                connector.start();
            }
            catch (Exception failure)
            {
                throw new UncheckedIOException(new IOException("Cannot start the client connector for abstract names", failure));
            }
            return connector;
        }
    }
}
