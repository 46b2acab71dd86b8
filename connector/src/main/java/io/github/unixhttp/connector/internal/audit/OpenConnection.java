package io.github.unixhttp.connector.internal.audit;

import io.github.unixhttp.core.PeerCredentials;
import org.eclipse.jetty.http2.HTTP2Connection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * An accepted connection not closed yet, as the audit trail follows it: one socket, served by one Jetty connection
 * or, after upgrades (the PROXY protocol to HTTP, HTTP/1.1 to h2c), by several in turn, whose counts its close adds up.
 *
 * <p>Requests are HTTP requests: those of HTTP/1 (Jetty's {@code HttpConnection}) and HTTP/2's streams. Other
 * protocols count other things or nothing (a PROXY header, WebSocket frames): they add bytes, not requests. An
 * HTTP/1 connection upgraded to HTTP/2 counted one request too many: the upgrading request, which HTTP/2 counts again
 * as its stream 1, or the h2c preface ({@code PRI * HTTP/2.0}), which is no request at all.</p>
 */
public final class OpenConnection
{
    /** HTTP/2's connection type, or {@code null} when jetty-http2 (an optional dependency) is not on the class path. */
    private static final Class<?> HTTP2 = http2();

    private final long id;
    private final PeerCredentials peer;
    private final long createdMillis;
    // Guarded by this: what the connections it was upgraded from counted (-1: not counted), and the one serving it now.
    private long earlierRequests = -1;
    private long earlierBytesIn = -1;
    private long earlierBytesOut = -1;
    private boolean upgradedFromHttp1;
    private Connection current;
    private boolean seenClosed;

    /**
     * @param id the connection's number in the trail
     * @param peer its peer's credentials, or {@code null} if not read
     * @param createdMillis when its endpoint was made
     * @param first the connection that serves it first
     */
    public OpenConnection(long id, PeerCredentials peer, long createdMillis, Connection first)
    {
        this.id = id;
        this.peer = peer;
        this.createdMillis = createdMillis;
        this.current = first;
    }

    public long id()
    {
        return id;
    }

    public PeerCredentials peer()
    {
        return peer;
    }

    public long createdMillis()
    {
        return createdMillis;
    }

    /** @return the connection that serves it now */
    public synchronized Connection current()
    {
        return current;
    }

    /** The socket's connection closed, upgraded to another: what it counted is kept. */
    public synchronized void upgradedFrom(Connection connection)
    {
        earlierRequests = sum(earlierRequests, requestsOf(connection));
        earlierBytesIn = sum(earlierBytesIn, connection.getBytesIn());
        earlierBytesOut = sum(earlierBytesOut, connection.getBytesOut());
        upgradedFromHttp1 = connection instanceof HttpConnection;
    }

    /** The connection it was upgraded to opened. */
    public synchronized void upgradedTo(Connection connection)
    {
        if (upgradedFromHttp1 && isHttp2(connection) && earlierRequests > 0)
            earlierRequests--;
        upgradedFromHttp1 = false;
        current = connection;
    }

    /** @return the HTTP requests it carried, {@code last} (the connection that closed) included; -1 if none counts them */
    public synchronized long requests(Connection last)
    {
        return sum(earlierRequests, requestsOf(last));
    }

    /** @return the bytes read, {@code last} included; -1 if no connection of its counts them */
    public synchronized long bytesIn(Connection last)
    {
        return sum(earlierBytesIn, last.getBytesIn());
    }

    /** @return the bytes written, {@code last} included; -1 if no connection of its counts them */
    public synchronized long bytesOut(Connection last)
    {
        return sum(earlierBytesOut, last.getBytesOut());
    }

    /** @return whether it was already seen closed by a previous look (and notes that it is now) */
    public synchronized boolean seenClosedBefore()
    {
        boolean before = seenClosed;
        seenClosed = true;
        return before;
    }

    private static long requestsOf(Connection connection)
    {
        return connection instanceof HttpConnection || isHttp2(connection) ? connection.getMessagesIn() : -1;
    }

    private static boolean isHttp2(Connection connection)
    {
        return HTTP2 != null && HTTP2.isInstance(connection);
    }

    /** Jetty's counters answer -1 for "not counted": the sum is -1 only if neither counted. */
    private static long sum(long a, long b)
    {
        if (a < 0)
            return Math.max(b, -1);
        return b < 0 ? a : a + b;
    }

    private static Class<?> http2()
    {
        try
        {
            return Http2Type.TYPE;
        }
        catch (LinkageError absent)
        {
            // jetty-http2 is optional: without it there are no HTTP/2 connections to count.
            return null;
        }
    }

    /** Loaded only by {@link #http2()}: so that this class loads without jetty-http2 on the class path. */
    private static final class Http2Type
    {
        static final Class<?> TYPE = HTTP2Connection.class;
    }
}
