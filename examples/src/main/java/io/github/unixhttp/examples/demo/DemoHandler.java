package io.github.unixhttp.examples.demo;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.ConnectionStatistics;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.IteratingCallback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ajax.JSON;

/**
 * The demo's endpoints: {@code GET /} the admin page, {@code GET /whoami} the peer as JSON, {@code POST /echo} the
 * body streamed back, {@code GET /bytes?n=N} N bytes streamed.
 */
final class DemoHandler extends Handler.Abstract
{
    private static final byte[] PAYLOAD_CHUNK = "unixhttp-payload".repeat(4096).getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_BYTES = 1L << 40;
    /** The largest body {@code POST /echo} holds in memory to send back. */
    static final int MAX_ECHO_BYTES = 16 * 1024 * 1024;

    private final ConnectionStatistics connections;
    private final Instant started = Instant.now();

    DemoHandler(ConnectionStatistics connections)
    {
        this.connections = connections;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception
    {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        switch (path)
        {
            case "/" -> ifMethod(HttpMethod.GET, request, response, callback, () -> html(request, response, callback));
            case "/whoami" -> ifMethod(HttpMethod.GET, request, response, callback, () -> json(request, response, callback));
            case "/echo" -> ifMethod(HttpMethod.POST, request, response, callback, () -> echo(request, response, callback));
            case "/bytes" -> ifMethod(HttpMethod.GET, request, response, callback, () -> bytes(request, response, callback));
            default -> Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404, "No such page: try / or /whoami");
        }
        return true;
    }

    private interface Action
    {
        void run() throws Exception;
    }

    private static void ifMethod(HttpMethod expected, Request request, Response response, Callback callback, Action action) throws Exception
    {
        if (expected.is(request.getMethod()) || (expected == HttpMethod.GET && HttpMethod.HEAD.is(request.getMethod())))
            action.run();
        else
        {
            response.getHeaders().put(HttpHeader.ALLOW, expected.asString());
            Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, "Use " + expected.asString());
        }
    }

    private void html(Request request, Response response, Callback callback)
    {
        PeerCredentials peer = UnixSocketCustomizer.peerOf(request);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html; charset=utf-8");
        String url = HttpURI.build(request.getHttpURI()).query(null).asString();
        Content.Sink.write(response, true, AdminPage.render(peer, client(request, peer), url, Request.getLocalAddr(request),
            request.getConnectionMetaData().getProtocol(), Duration.between(started, Instant.now()),
            connections.getConnections(), connections.getConnectionsTotal()), callback);
    }

    /**
     * @return who sent the request: the forwarded client behind a trusted proxy, else the local peer by the kernel's
     *         word ({@code unix:pid=...}), since a Unix socket client's own address is an empty path
     */
    static String client(Request request, PeerCredentials peer)
    {
        if (!(request.getConnectionMetaData().getRemoteSocketAddress() instanceof UnixDomainSocketAddress))
            return Request.getRemoteAddr(request);
        return peer == null ? "unix:" : "unix:" + peer;
    }

    private static void json(Request request, Response response, Callback callback)
    {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        Content.Sink.write(response, true, whoAmI(UnixSocketCustomizer.peerOf(request)) + "\n", callback);
    }

    /** The peer as JSON; fields the server could not learn are absent. */
    static String whoAmI(PeerCredentials peer)
    {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (peer != null)
        {
            if (peer.knows(PeerCredentials.Field.PID))
                fields.put("pid", peer.pid());
            if (peer.knows(PeerCredentials.Field.UID))
                fields.put("uid", peer.uid());
            if (peer.knows(PeerCredentials.Field.GID))
                fields.put("gid", peer.gid());
            if (peer.knows(PeerCredentials.Field.GROUPS))
                fields.put("groups", Arrays.stream(peer.groups()).boxed().toArray());
            if (peer.userName() != null)
                fields.put("user", peer.userName());
            if (peer.groupName() != null)
                fields.put("group", peer.groupName());
        }
        return new JSON().toJSON(fields);
    }

    /**
     * Reads the whole body, then sends it back. Streaming it back as it arrives would deadlock with the many
     * clients that send their whole body before reading (Python's http.client and requests, httpx): with about
     * 208 KiB of socket buffer each way, both sides end up blocked writing once a body is larger than that.
     */
    private static void echo(Request request, Response response, Callback callback)
    {
        long declared = request.getLength();
        if (declared > MAX_ECHO_BYTES)
        {
            tooLarge(request, response, callback);
            return;
        }
        BoundedBody.read(request, MAX_ECHO_BYTES, new BoundedBody.Outcome()
        {
            @Override
            public void complete(ByteBuffer body)
            {
                String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, type == null ? "application/octet-stream" : type);
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.remaining());
                response.write(true, body, callback);
            }

            @Override
            public void tooLarge()
            {
                DemoHandler.tooLarge(request, response, callback);
            }

            @Override
            public void failed(Throwable failure)
            {
                Response.writeError(request, response, callback, failure);
            }
        });
    }

    private static void tooLarge(Request request, Response response, Callback callback)
    {
        Response.writeError(request, response, callback, HttpStatus.PAYLOAD_TOO_LARGE_413,
            "POST /echo takes at most " + MAX_ECHO_BYTES + " bytes");
    }

    private static void bytes(Request request, Response response, Callback callback) throws Exception
    {
        Fields query = Request.extractQueryParameters(request);
        long count;
        try
        {
            count = Long.parseLong(query.getValue("n"));
        }
        catch (NumberFormatException | NullPointerException bad)
        {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "Give the byte count: /bytes?n=1048576");
            return;
        }
        if (count < 0 || count > MAX_BYTES)
        {
            Response.writeError(request, response, callback, HttpStatus.BAD_REQUEST_400, "n must be within 0.." + MAX_BYTES);
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, count);
        if (count == 0)
        {
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        // Written asynchronously, a chunk at a time as the client reads: a client that never reads holds no thread
        // (a blocking write would, and a few hundred such clients would take the whole pool from everyone else).
        new IteratingCallback()
        {
            private long left = count;

            @Override
            protected Action process()
            {
                if (left <= 0)
                    return Action.SUCCEEDED;
                int chunk = (int)Math.min(PAYLOAD_CHUNK.length, left);
                left -= chunk;
                response.write(left == 0, ByteBuffer.wrap(PAYLOAD_CHUNK, 0, chunk), this);
                return Action.SCHEDULED;
            }

            @Override
            protected void onCompleteSuccess()
            {
                callback.succeeded();
            }

            @Override
            protected void onCompleteFailure(Throwable failure)
            {
                callback.failed(failure);
            }
        }.iterate();
    }
}
