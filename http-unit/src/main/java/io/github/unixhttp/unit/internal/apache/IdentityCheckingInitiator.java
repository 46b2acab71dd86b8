package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Future;

import io.github.unixhttp.unit.ServerIdentityCheck;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * Checks the server's identity on each connect of the async client: the socket file before connecting, then the
 * server's credentials on the new I/O session, before HttpClient gets the session and so before any request byte is
 * written. A refusal fails the connect (and closes the session, if there is one).
 */
final class IdentityCheckingInitiator implements ConnectionInitiator
{
    private final ConnectionInitiator reactor;
    private final ServerIdentityCheck identity;

    IdentityCheckingInitiator(ConnectionInitiator reactor, ServerIdentityCheck identity)
    {
        this.reactor = reactor;
        this.identity = identity;
    }

    @Override
    public Future<IOSession> connect(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout,
                                     Object attachment, FutureCallback<IOSession> callback)
    {
        BasicFuture<IOSession> checked = new BasicFuture<>(callback);
        if (remoteAddress instanceof UnixDomainSocketAddress file)
        {
            try
            {
                identity.verifyPath(file.getPath());
            }
            catch (IOException refused)
            {
                checked.failed(refused);
                return checked;
            }
        }
        reactor.connect(remoteEndpoint, remoteAddress, localAddress, timeout, attachment, new FutureCallback<>()
        {
            @Override
            public void completed(IOSession session)
            {
                try
                {
                    if (session.channel() instanceof SocketChannel channel)
                        identity.verify(channel, String.valueOf(remoteAddress));
                    checked.completed(session);
                }
                catch (Exception mismatch)
                {
                    session.close(CloseMode.IMMEDIATE);
                    checked.failed(mismatch);
                }
            }

            @Override
            public void failed(Exception failure)
            {
                checked.failed(failure);
            }

            @Override
            public void cancelled()
            {
                checked.cancel();
            }
        });
        return checked;
    }
}
