package io.github.unixhttp.unit.internal.apache;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.connector.UnixSocketAddress;
import io.github.unixhttp.unit.internal.ConnectRetry;
import org.apache.hc.core5.concurrent.ComplexFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ConnectionInitiator;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * Retries the async client's connects that a full backlog refused (EAGAIN) until the connect timeout, as
 * {@link ConnectRetry} describes, without blocking the I/O reactor: each retry is scheduled.
 */
final class RetryingInitiator implements ConnectionInitiator
{
    private final ConnectionInitiator reactor;
    private final UnixSocketAddress address;

    /**
     * @param address the client's address, for the message of a connect that timed out
     */
    RetryingInitiator(ConnectionInitiator reactor, UnixSocketAddress address)
    {
        this.reactor = reactor;
        this.address = address;
    }

    @Override
    public Future<IOSession> connect(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout,
                                     Object attachment, FutureCallback<IOSession> callback)
    {
        ComplexFuture<IOSession> result = new ComplexFuture<>(callback);
        Duration connectTimeout = Timeout.isPositive(timeout) ? Duration.ofMillis(timeout.toMilliseconds()) : Duration.ZERO;
        new Attempts(remoteEndpoint, remoteAddress, localAddress, timeout, attachment, result, connectTimeout).start();
        return result;
    }

    /** The attempts of one connect, each started after the one before failed on a full backlog. */
    private final class Attempts
    {
        private final NamedEndpoint remoteEndpoint;
        private final SocketAddress remoteAddress;
        private final SocketAddress localAddress;
        private final Timeout timeout;
        private final Object attachment;
        private final ComplexFuture<IOSession> result;
        private final Duration connectTimeout;
        private final ConnectRetry retry;
        private int started;

        Attempts(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout, Object attachment,
                 ComplexFuture<IOSession> result, Duration connectTimeout)
        {
            this.remoteEndpoint = remoteEndpoint;
            this.remoteAddress = remoteAddress;
            this.localAddress = localAddress;
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
            int attempt;
            synchronized (this)
            {
                attempt = ++started;
            }
            try
            {
                Future<IOSession> connecting = reactor.connect(remoteEndpoint, remoteAddress, localAddress, timeout, attachment,
                    callback());
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
                result.failed(closed);
            }
        }

        private FutureCallback<IOSession> callback()
        {
            return new FutureCallback<>()
            {
                @Override
                public void completed(IOSession session)
                {
                    if (!result.completed(session))
                        session.close(CloseMode.IMMEDIATE);
                }

                @Override
                public void failed(Exception failure)
                {
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
                    result.cancel();
                }
            };
        }
    }
}
