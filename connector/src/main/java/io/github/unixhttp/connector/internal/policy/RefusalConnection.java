package io.github.unixhttp.connector.internal.policy;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * What a refused peer gets instead of an HTTP connection: its first request is read and dropped, then a
 * {@code 403 Forbidden} saying only that this server does not take its connections (whom the policy admits, and
 * why it refused, go to the log, not to the peer), then the connection closes. The answer is in the protocol the
 * peer spoke: HTTP/1.1, or HTTP/2 for a client with prior knowledge (h2c), which could not read an HTTP/1.1
 * answer. Reading first means a client still writing its request sees the answer rather than a broken pipe; no
 * handler ever runs.
 */
public class RefusalConnection extends AbstractConnection
{
    /** What the refused peer is told, after "Forbidden: ". */
    public static final String MESSAGE = "this server does not accept connections from your user";
    /** Read at most this much of a refused request before answering anyway. */
    private static final int MAX_DISCARDED = 16 * 1024;
    private static final String BODY = "Forbidden: " + MESSAGE + "\n";

    /**
     * A refused peer has this long between reads (the endpoint's idle timeout, if shorter, stands), and this long in
     * all, to send its request head: one that sends nothing, or a byte at a time, does not hold a descriptor for the
     * connector's full idle timeout.
     */
    static final long REFUSED_IDLE_MILLIS = 2_000;
    static final long REFUSED_DEADLINE_MILLIS = 5_000;

    private final RefusedPeerInput request = new RefusedPeerInput();
    private final long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REFUSED_DEADLINE_MILLIS);
    /** Made at the first byte: a silent refused peer costs no buffer. */
    private ByteBuffer input;

    public RefusalConnection(EndPoint endPoint, Executor executor)
    {
        super(endPoint, executor);
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
        ByteBuffer answer = request.protocol() == RefusedPeerInput.Protocol.HTTP_2
            ? RefusalAnswers.http2(BODY, request.requestStream(), request.sawSettings())
            : RefusalAnswers.http1(BODY);
        EndPoint endPoint = getEndPoint();
        endPoint.write(Callback.from(() ->
        {
            endPoint.shutdownOutput();
            endPoint.close();
        }, endPoint::close), answer);
    }
}
