package io.github.unixhttp.connector.internal.policy;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;

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

    private final ByteBuffer input = BufferUtil.allocate(4096);
    private final RefusedPeerInput request = new RefusedPeerInput();

    public RefusalConnection(EndPoint endPoint, Executor executor)
    {
        super(endPoint, executor);
    }

    @Override
    public void onOpen()
    {
        super.onOpen();
        fillInterested();
    }

    @Override
    public void onFillable()
    {
        try
        {
            while (true)
            {
                BufferUtil.clear(input);
                int read = getEndPoint().fill(input);
                if (read < 0 || request.consume(input) || request.consumed() > MAX_DISCARDED)
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
