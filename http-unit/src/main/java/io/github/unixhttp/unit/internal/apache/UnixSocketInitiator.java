package io.github.unixhttp.unit.internal.apache;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.UnixRouteException;
import io.github.unixhttp.unit.internal.ConnectRetry;
import io.github.unixhttp.unit.internal.VerifiedSocketPath;
import org.apache.hc.core5.concurrent.BasicFuture;
import org.apache.hc.core5.concurrent.ComplexFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * The async client's only way to its I/O reactor, and so the last word on where it connects. One connect here is:
 * <ol>
 *   <li>refused with {@link UnixRouteException}, no socket opened, unless it is to the client's own socket file;</li>
 *   <li>before every attempt, the socket file looked at and pinned ({@link ServerIdentityCheck#verifyAndPinPath}), the attempt connecting to that very file: what is at the
 *       path may be swapped while the attempts wait on a full backlog;</li>
 *   <li>the attempt, retried on a scheduler while the server's backlog is full (EAGAIN) until the connect timeout,
 *       as {@link ConnectRetry} describes, never blocking the I/O reactor;</li>
 *   <li>once connected, the server's credentials checked on the new session, before HttpClient gets it and so
 *       before any request byte is written; a refusal closes the session.</li>
 * </ol>
 * The future returned is the caller's handle on all of it: cancelling it cancels the attempt under way (the reactor
 * closes a socket still connecting), and a session that arrives after the caller gave up is closed, never left open.
 * (These were three initiators stacked; one future for the whole connect is what makes cancelling reach the socket.)
 */
final class UnixSocketInitiator implements ConnectionInitiator
{
    private final ConnectionInitiator reactor;
    private final UnixSocketAddress address;
    private final UnixDomainSocketAddress socket;
    private final ServerIdentityCheck identity;

    /**
     * @param address a socket file: the async client cannot reach abstract names
     */
    UnixSocketInitiator(ConnectionInitiator reactor, UnixSocketAddress address, ServerIdentityCheck identity)
    {
        if (address.kind() != UnixSocketAddress.Kind.PATH)
            throw new IllegalArgumentException("The async client connects to socket files only, not to " + address);
        this.reactor = reactor;
        this.address = address;
        this.socket = UnixDomainSocketAddress.of(address.path());
        this.identity = identity;
    }

    @Override
    public Future<IOSession> connect(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout,
                                     Object attachment, FutureCallback<IOSession> callback)
    {
        // Before httpclient5 5.6 routes cannot name a socket: HttpClient connects to the host's (stand-in) address,
        // and every connect made here goes to the socket all the same. From 5.6, only the socket is asked for.
        if (!socket.equals(remoteAddress) && HttpClientVersion.ROUTES_NAME_SOCKETS)
        {
            BasicFuture<IOSession> refused = new BasicFuture<>(callback);
            refused.failed(new UnixRouteException("Refusing to connect to " + (remoteAddress == null ? remoteEndpoint : remoteAddress) +
                ": this client is built for unix:" + address + " and connects nowhere else"));
            return refused;
        }
        ComplexFuture<IOSession> result = new ComplexFuture<>(callback);
        Duration connectTimeout = Timeout.isPositive(timeout) ? Duration.ofMillis(timeout.toMilliseconds()) : Duration.ZERO;
        // A Unix client socket is not bound: a local address is left out.
        new Attempts(remoteEndpoint, timeout, attachment, result, connectTimeout).start();
        return result;
    }

    /** The attempts of one connect, each started after the one before failed on a full backlog. */
    private final class Attempts
    {
        private final NamedEndpoint remoteEndpoint;
        private final Timeout timeout;
        private final Object attachment;
        private final ComplexFuture<IOSession> result;
        private final Duration connectTimeout;
        private final ConnectRetry retry;
        private int started;

        Attempts(NamedEndpoint remoteEndpoint, Timeout timeout, Object attachment, ComplexFuture<IOSession> result, Duration connectTimeout)
        {
            this.remoteEndpoint = remoteEndpoint;
            this.timeout = timeout;
            this.attachment = attachment;
            this.result = result;
            this.connectTimeout = connectTimeout;
            this.retry = ConnectRetry.start(connectTimeout);
        }

        void start()
        {
            if (result.isDone())
                return;
            // The file is looked at before every attempt, and the attempt connects to the very file looked at: the
            // reactor connects later, on its own thread, so the pin is held until the attempt's outcome.
            VerifiedSocketPath target;
            try
            {
                target = identity.verifyAndPinPath(address.path());
            }
            catch (IOException | RuntimeException refused)
            {
                result.failed(refused);
                return;
            }
            int attempt;
            synchronized (this)
            {
                attempt = ++started;
            }
            try
            {
                Future<IOSession> connecting = reactor.connect(remoteEndpoint, target.connectAddress(), null, timeout, attachment,
                    callback(target));
                synchronized (this)
                {
                    // A quick failure may already have started the next attempt: cancelling must reach that one.
                    if (attempt == started)
                        result.setDependency(connecting);
                }
            }
            catch (RuntimeException closed)
            {
                // The client was closed between two attempts: its reactor takes no more connects.
                release(target);
                result.failed(closed);
            }
        }

        private void release(VerifiedSocketPath target)
        {
            try
            {
                target.close();
            }
            catch (IOException | RuntimeException unexpected)
            {
                // A reference descriptor's close fails only if it was closed already: nothing is lost.
            }
        }

        private FutureCallback<IOSession> callback(VerifiedSocketPath target)
        {
            return new FutureCallback<>()
            {
                @Override
                public void completed(IOSession session)
                {
                    release(target);
                    if (result.isDone())
                    {
                        // The caller gave up (cancelled, timed out) while this attempt connected: nobody will use it.
                        session.close(CloseMode.IMMEDIATE);
                        return;
                    }
                    try
                    {
                        identity.verify(session.channel() instanceof SocketChannel channel ? channel : null, address.toString());
                    }
                    catch (IOException | RuntimeException mismatch)
                    {
                        session.close(CloseMode.IMMEDIATE);
                        result.failed(mismatch);
                        return;
                    }
                    if (!result.completed(session))
                        session.close(CloseMode.IMMEDIATE);
                }

                @Override
                public void failed(Exception failure)
                {
                    release(target);
                    if (!ConnectRetry.isBacklogFull(failure, address))
                    {
                        result.failed(failure);
                        return;
                    }
                    long pause = retry.nextPauseNanos(System.nanoTime());
                    if (pause < 0)
                        result.failed(ConnectRetry.timedOut(address, connectTimeout));
                    else
                        ConnectRetry.scheduler().schedule(Attempts.this::start, pause, TimeUnit.NANOSECONDS);
                }

                @Override
                public void cancelled()
                {
                    release(target);
                    result.cancel();
                }
            };
        }
    }
}
