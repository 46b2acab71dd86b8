package io.github.unixhttp.unit.internal.jetty;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.Objects;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.internal.VerifiedSocketPath;
import io.github.unixhttp.unit.UnixRouteException;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;

/**
 * Jetty's {@link Transport.TCPUnix} with the server identity check: the socket file is looked at before each connect attempt
 * and, once connected, before the HTTP connection that would write the request exists, the server's credentials are
 * read from the client's socket.
 * A connect the server's full backlog refuses is retried on the client's scheduler until its connect timeout. It
 * connects only for an HttpClient from {@code JettyUnixClients.newHttpClient} (see
 * {@link UnixHttpClient#refusalOfPlainClient}).
 */
final class UnixTransport extends Transport.TCPUnix
{
    private final ServerIdentityCheck identity;
    private final UnixSocketAddress socket;

    /**
     * @param socket a socket file
     */
    UnixTransport(UnixSocketAddress socket, ServerIdentityCheck identity)
    {
        super(socket.path());
        this.identity = identity;
        this.socket = socket;
    }

    @Override
    public void connect(SocketAddress address, Map<String, Object> context)
    {
        UnixRouteException plain = UnixHttpClient.refusalOfPlainClient(context, this);
        if (plain != null)
        {
            ((Promise<?>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY)).failed(plain);
            return;
        }
        ClientConnector connector = (ClientConnector)context.get(ClientConnector.CONTEXT_KEY);
        // The file is looked at before every attempt: it may have been swapped while the backlog was full.
        // The file is looked at before every attempt (it may have been swapped while the backlog was full), and each
        // attempt connects to the very file looked at: Jetty's connect makes the connect(2) call before it returns.
        RetryingConnect.connect(connector, context, socket, connector.getConnectTimeout(),
            attemptContext ->
            {
                try (VerifiedSocketPath target = identity.verifyAndPinPath(socket.path()))
                {
                    attemptContext.put(SocketOnlyConnector.VERIFIED_PATH_CONTEXT_KEY, target);
                    connector.connect(target.connectAddress(), attemptContext);
                }
                finally
                {
                    attemptContext.remove(SocketOnlyConnector.VERIFIED_PATH_CONTEXT_KEY);
                }
            });
    }

    @Override
    public Connection newConnection(EndPoint endPoint, Map<String, Object> context) throws IOException
    {
        identity.verify(endPoint instanceof SocketChannelEndPoint socketEndPoint ? (SocketChannel)socketEndPoint.getChannel() : null,
            socket.toString());
        return super.newConnection(endPoint, context);
    }

    @Override
    public boolean equals(Object other)
    {
        return super.equals(other) && other instanceof UnixTransport that && Objects.equals(identity, that.identity);
    }

    @Override
    public int hashCode()
    {
        return super.hashCode();
    }
}
