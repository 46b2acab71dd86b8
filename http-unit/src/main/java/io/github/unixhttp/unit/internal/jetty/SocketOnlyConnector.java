package io.github.unixhttp.unit.internal.jetty;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.function.Predicate;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.internal.VerifiedSocketPath;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.Promise;

/**
 * The client connector of an HttpClient made by {@link io.github.unixhttp.unit.jetty.JettyUnixClients}: the last word on where it connects. It
 * opens only Unix sockets (for an HttpClient bound to an address, only that one); anything else, such as the TCP
 * address of a proxy or of a request without a Unix transport, fails with {@link UnixRouteException} before a
 * socket is opened.
 */
public final class SocketOnlyConnector extends ClientConnector
{
    private final Predicate<SocketAddress> allowed;
    private final String allowedDescription;

    private SocketOnlyConnector(Predicate<SocketAddress> allowed, String allowedDescription)
    {
        this.allowed = allowed;
        this.allowedDescription = allowedDescription;
    }

    /** Connects to any socket file, never over TCP. */
    public static SocketOnlyConnector anySocketFile()
    {
        return new SocketOnlyConnector(address -> address instanceof UnixDomainSocketAddress, "Unix sockets only");
    }

    /**
     * Connects to this address only: to its socket file, or, for an abstract name, to nothing (the connections of an
     * HttpClient bound to an abstract name are made on jnr's connector, see {@link AbstractNameTransport}).
     */
    public static SocketOnlyConnector only(UnixSocketAddress socket)
    {
        Predicate<SocketAddress> allowed = socket.kind() == UnixSocketAddress.Kind.PATH ?
            UnixDomainSocketAddress.of(socket.path())::equals : address -> false;
        return new SocketOnlyConnector(allowed, "unix:" + socket + " only");
    }

    /**
     * The context entry by which a transport of ours says that {@code address} is a {@link VerifiedSocketPath}'s pin
     * (a {@code /proc/self/fd/N} name) of the socket file it checked: allowed if that file is.
     */
    static final String VERIFIED_PATH_CONTEXT_KEY = SocketOnlyConnector.class.getName() + ".verifiedPath";

    @Override
    public void connect(SocketAddress address, Map<String, Object> context)
    {
        if (allowed.test(address) || isPinOfAllowed(address, context.get(VERIFIED_PATH_CONTEXT_KEY)))
        {
            super.connect(address, context);
            return;
        }
        Promise<?> promise = (Promise<?>)context.get(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY);
        promise.failed(new UnixRouteException("Refusing to connect to " + address + ": this HttpClient connects to " +
            allowedDescription + ", never over TCP"));
    }

    private boolean isPinOfAllowed(SocketAddress address, Object verified)
    {
        return verified instanceof VerifiedSocketPath path && path.connectAddress().equals(address)
            && allowed.test(UnixDomainSocketAddress.of(path.path()));
    }
}
