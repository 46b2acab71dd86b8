package io.github.unixhttp.unit.jetty;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.function.Predicate;

import io.github.unixhttp.unit.UnixRouteException;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;

/**
 * The client connector of an HttpClient made by {@link JettyUnixClients}: the last word on where it connects. It
 * opens only Unix sockets (for an HttpClient bound to an endpoint, only that one); anything else, such as the TCP
 * address of a proxy or of a request without a Unix transport, fails with {@link UnixRouteException} before a
 * socket is opened.
 */
final class SocketOnlyConnector extends ClientConnector
{
    private final Predicate<SocketAddress> allowed;
    private final String allowedDescription;

    private SocketOnlyConnector(Predicate<SocketAddress> allowed, String allowedDescription)
    {
        this.allowed = allowed;
        this.allowedDescription = allowedDescription;
    }

    /** Connects to any socket file, never over TCP. */
    static SocketOnlyConnector anySocketFile()
    {
        return new SocketOnlyConnector(address -> address instanceof UnixDomainSocketAddress, "Unix sockets only");
    }

    /** Connects to this socket file only. */
    static SocketOnlyConnector only(UnixDomainSocketAddress socket)
    {
        return new SocketOnlyConnector(socket::equals, "unix:" + socket.getPath() + " only");
    }

    /** Connects to nothing: the connections of an HttpClient bound to an abstract name are made on jnr's connector. */
    static SocketOnlyConnector nothing(String abstractName)
    {
        return new SocketOnlyConnector(address -> false, "unix:@" + abstractName + " only");
    }

    @Override
    public void connect(SocketAddress address, Map<String, Object> context)
    {
        if (allowed.test(address))
        {
            super.connect(address, context);
            return;
        }
        Promise<?> promise = (Promise<?>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
        promise.failed(new UnixRouteException("Refusing to connect to " + address + ": this HttpClient connects to " +
            allowedDescription + ", never over TCP"));
    }
}
