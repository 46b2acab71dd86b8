package io.github.unixhttp.unit.internal.apache;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Future;

import io.github.unixhttp.unit.UnixRouteException;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * The last word on where the async client connects: its I/O reactor gets only connects to the client's own socket.
 * Anything else (an internet address, another socket) fails with {@link UnixRouteException} and no socket is
 * opened, whatever asked for it.
 */
final class SocketOnlyInitiator implements ConnectionInitiator
{
    private final ConnectionInitiator reactor;
    private final UnixDomainSocketAddress socket;

    SocketOnlyInitiator(ConnectionInitiator reactor, Path socket)
    {
        this.reactor = reactor;
        this.socket = UnixDomainSocketAddress.of(socket);
    }

    @Override
    public Future<IOSession> connect(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout,
                                     Object attachment, FutureCallback<IOSession> callback)
    {
        if (socket.equals(remoteAddress))
            return reactor.connect(remoteEndpoint, remoteAddress, null, timeout, attachment, callback);
        BasicFuture<IOSession> refused = new BasicFuture<>(callback);
        refused.failed(new UnixRouteException("Refusing to connect to " + (remoteAddress == null ? remoteEndpoint : remoteAddress) +
            ": this client is built for unix:" + socket.getPath() + " and connects nowhere else"));
        return refused;
    }
}
