package io.github.unixhttp.connector.internal.policy;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * What a refused peer gets instead of an HTTP connection: its first request is read and dropped, then a
 * {@code 403 Forbidden} saying only that this server does not take its connections (whom the policy admits, and
 * why it refused, go to the log, not to the peer), then the connection closes. The answer is in the protocol the
 * peer spoke: HTTP/1.1, or HTTP/2 for a client with prior knowledge (h2c), which could not read an HTTP/1.1
 * answer; a TLS client (on a connector serving TLS: the peer is refused at accept, before any handshake) gets a fatal
 * TLS alert in the clear instead, {@code access_denied} (or {@code internal_error} over a limit), which clients name. Reading first means a client still writing its request sees the answer rather than a broken pipe; no
 * handler ever runs. A peer over its caller's connection limit gets the same treatment with a {@code 503 Service
 * Unavailable} and {@code Retry-After: 1} ({@link Answer#OVER_CONNECTION_LIMIT}); a refused peer whose user already
 * has as many refused connections waiting as its limits allow gets no answer at all ({@link #closeAtOnce}).
 */
public class RefusalConnection extends AbstractConnection
{
    /** What the refused peer is told, after "Forbidden: ". */
    public static final String MESSAGE = "this server does not accept connections from your user";
    /** What a peer over its caller's connection limit is told, after "Service Unavailable: ". */
    public static final String OVER_LIMIT_MESSAGE = "too many connections of yours are open; close some, or retry later";
    /** Read at most this much of a refused request before answering anyway. */
    private static final int MAX_DISCARDED = 16 * 1024;

    /** What a refused connection is answered. */
    public enum Answer
    {
        /** The peer policy refused it: {@code 403 Forbidden}. */
        FORBIDDEN(403, "Forbidden", MESSAGE, 0, 49),
        /**
         * Its caller holds as many connections as its limits allow: {@code 503 Service Unavailable}, retry in 1 s (TLS
         * has no alert that says "later").
         */
        OVER_CONNECTION_LIMIT(503, "Service Unavailable", OVER_LIMIT_MESSAGE, 1, 80);

        private final int status;
        private final String reason;
        private final String body;
        private final long retryAfterSeconds;
        /** The TLS alert's description: {@code access_denied} (49) or {@code internal_error} (80). */
        private final int tlsAlert;

        Answer(int status, String reason, String message, long retryAfterSeconds, int tlsAlert)
        {
            this.tlsAlert = tlsAlert;
            this.status = status;
            this.reason = reason;
            this.body = reason + ": " + message + "\n";
            this.retryAfterSeconds = retryAfterSeconds;
        }
    }

    /**
     * A refused peer has this long between reads (the endpoint's idle timeout, if shorter, stands), and this long in
     * all, to send its request head: one that sends nothing, or a byte at a time, does not hold a descriptor for the
     * connector's full idle timeout.
     */
    static final long REFUSED_IDLE_MILLIS = 2_000;
    static final long REFUSED_DEADLINE_MILLIS = 5_000;

    private final Answer answer;
    private final RefusedPeerInput request = new RefusedPeerInput();
    private final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFUSED_DEADLINE_MILLIS);
    /** Made at the first byte: a silent refused peer costs no buffer. */
    private ByteBuffer input;

    /** A connection the peer policy refused: answered {@link Answer#FORBIDDEN}. */
    public RefusalConnection(EndPoint endPoint, Executor executor)
    {
        this(endPoint, executor, Answer.FORBIDDEN);
    }

    public RefusalConnection(EndPoint endPoint, Executor executor, Answer answer)
    {
        super(endPoint, executor);
        this.answer = answer;
    }

    /**
     * @return a connection that closes as soon as it is open, reading and answering nothing: for a refused peer whose
     *         user already has as many refused connections waiting for their answer as its limits allow, so that a
     *         flood of them holds each descriptor only for the instant it takes to close
     */
    public static Connection closeAtOnce(EndPoint endPoint, Executor executor)
    {
        return new ClosedAtOnce(endPoint, executor);
    }

    @Override
    public void onOpen()
    {
        super.onOpen();
        EndPoint endPoint = getEndPoint();
        if (endPoint.getIdleTimeout() <= 0 || endPoint.getIdleTimeout() > REFUSED_IDLE_MILLIS)
            endPoint.setIdleTimeout(REFUSED_IDLE_MILLIS);
        fillInterested();
    }

    @Override
    public void onFillable()
    {
        try
        {
            if (input == null)
                input = BufferUtil.allocate(4096);
            while (true)
            {
                BufferUtil.clear(input);
                int read = getEndPoint().fill(input);
                if (read < 0 || request.consume(input) || request.consumed() > MAX_DISCARDED || System.nanoTime() - deadlineNanos > 0)
                {
                    respond();
                    return;
                }
                if (read == 0)
                {
                    fillInterested();
                    return;
                }
            }
        }
        catch (Exception failure)
        {
            getEndPoint().close(failure);
        }
    }

    private void respond()
    {
        ByteBuffer bytes = switch (request.protocol())
        {
            case HTTP_2 -> RefusalAnswers.http2(answer.status, answer.retryAfterSeconds, answer.body, request.requestStream(),
                request.sawSettings());
            case TLS -> RefusalAnswers.tlsAlert(answer.tlsAlert);
            default -> RefusalAnswers.http1(answer.status, answer.reason, answer.retryAfterSeconds, answer.body);
        };
        EndPoint endPoint = getEndPoint();
        endPoint.write(Callback.from(() ->
        {
            endPoint.shutdownOutput();
            endPoint.close();
        }, endPoint::close), bytes);
    }

    private static final class ClosedAtOnce extends AbstractConnection
    {
        ClosedAtOnce(EndPoint endPoint, Executor executor)
        {
            super(endPoint, executor);
        }

        @Override
        public void onOpen()
        {
            super.onOpen();
            // Reads nothing: the peer sees its connection end at once (a reset, if it had sent something).
            getEndPoint().close();
        }

        @Override
        public void onFillable()
        {
        }
    }
}
