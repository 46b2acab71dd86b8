package io.github.unixhttp.unit.apache;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.unixhttp.unit.ConnectRetry;
import org.apache.hc.core5.concurrent.ComplexFuture;
import org.apache.hc.core5.concurrent.FutureCallback;
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

    RetryingInitiator(ConnectionInitiator reactor)
    {
        this.reactor = reactor;
    }

    @Override
    public Future<IOSession> connect(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout,
                                     Object attachment, FutureCallback<IOSession> callback)
    {
        ComplexFuture<IOSession> result = new ComplexFuture<>(callback);
        long deadline = Timeout.isPositive(timeout) ? System.nanoTime() + timeout.toNanoseconds() : Long.MAX_VALUE;
        new Attempt(remoteEndpoint, remoteAddress, localAddress, timeout, attachment, result, deadline).start(ConnectRetry.FIRST_PAUSE_NANOS);
        return result;
    }

    private final class Attempt
    {
        private final NamedEndpoint remoteEndpoint;
        private final SocketAddress remoteAddress;
        private final SocketAddress localAddress;
        private final Timeout timeout;
        private final Object attachment;
        private final ComplexFuture<IOSession> result;
        private final long deadline;

        Attempt(NamedEndpoint remoteEndpoint, SocketAddress remoteAddress, SocketAddress localAddress, Timeout timeout, Object attachment,
                ComplexFuture<IOSession> result, long deadline)
        {
            this.remoteEndpoint = remoteEndpoint;
            this.remoteAddress = remoteAddress;
            this.localAddress = localAddress;
            this.timeout = timeout;
            this.attachment = attachment;
            this.result = result;
            this.deadline = deadline;
        }

        void start(long pause)
        {
            if (result.isDone())
                return;
            result.setDependency(reactor.connect(remoteEndpoint, remoteAddress, localAddress, timeout, attachment, new FutureCallback<>()
            {
                @Override
                public void completed(IOSession session)
                {
                    result.completed(session);
                }

                @Override
                public void failed(Exception failure)
                {
                    if (!ConnectRetry.isBacklogFull(failure))
                        result.failed(failure);
                    else if (System.nanoTime() + pause > deadline)
                        result.failed(ConnectRetry.timedOut(remoteAddress, Duration.ofNanos(timeout.toNanoseconds())));
                    else
                        ConnectRetry.scheduler().schedule(() -> start(ConnectRetry.nextPause(pause)), pause, TimeUnit.NANOSECONDS);
                }

                @Override
                public void cancelled()
                {
                    result.cancel();
                }
            }));
        }
    }
}
