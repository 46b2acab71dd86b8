package io.github.unixhttp.connector.policy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * What a refused peer gets instead of an HTTP connection: its request head is read and dropped, then a
 * {@code 403 Forbidden} with a one-line reason, then the connection closes. Reading first means a client still
 * writing its request sees the answer rather than a broken pipe; no handler ever runs.
 */
public class RefusalConnection extends AbstractConnection
{
    /** Read at most this much of a refused request before answering anyway. */
    private static final int MAX_DISCARDED = 16 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final ByteBuffer response;
    private final ByteBuffer input = BufferUtil.allocate(4096);
    private int discarded;
    private int matchedEndOfHead;

    public RefusalConnection(EndPoint endPoint, Executor executor, String reason)
    {
        super(endPoint, executor);
        String body = "Forbidden: " + reason.replace('\r', ' ').replace('\n', ' ') + "\n";
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
            bodyBytes.length + "\r\nConnection: close\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        response = ByteBuffer.allocate(headBytes.length + bodyBytes.length).put(headBytes).put(bodyBytes).flip();
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
                if (read < 0 || sawEndOfHead() || discarded > MAX_DISCARDED)
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

    private boolean sawEndOfHead()
    {
        while (input.hasRemaining())
        {
            byte b = input.get();
            discarded++;
            matchedEndOfHead = b == END_OF_HEAD[matchedEndOfHead] ? matchedEndOfHead + 1 : (b == '\r' ? 1 : 0);
            if (matchedEndOfHead == END_OF_HEAD.length)
                return true;
        }
        return false;
    }

    private void respond()
    {
        EndPoint endPoint = getEndPoint();
        endPoint.write(Callback.from(() ->
        {
            endPoint.shutdownOutput();
            endPoint.close();
        }, endPoint::close), response);
    }
}
