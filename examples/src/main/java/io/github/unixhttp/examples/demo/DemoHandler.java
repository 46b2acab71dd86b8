package io.github.unixhttp.examples.demo;

import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import io.github.unixhttp.connector.credentials.PeerCredentialsCustomizer;
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
import org.eclipse.jetty.util.Fields;

/**
 * The demo's endpoints: {@code GET /} the admin page, {@code GET /whoami} the peer as JSON, {@code POST /echo} the
 * body streamed back, {@code GET /bytes?n=N} N bytes streamed.
 */
final class DemoHandler extends Handler.Abstract
{
    private static final byte[] PAYLOAD_CHUNK = "unixhttp-payload".repeat(4096).getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_BYTES = 1L << 40;

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
        PeerCredentials peer = PeerCredentialsCustomizer.peerOf(request);
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
        Content.Sink.write(response, true, whoAmI(PeerCredentialsCustomizer.peerOf(request)) + "\n", callback);
    }

    /** The peer as JSON; fields the server could not learn are absent. */
    static String whoAmI(PeerCredentials peer)
    {
        if (peer == null)
            return "{}";
        StringBuilder json = new StringBuilder("{");
        if (peer.knows(PeerCredentials.Field.PID))
            json.append("\"pid\":").append(peer.pid()).append(',');
        if (peer.knows(PeerCredentials.Field.UID))
            json.append("\"uid\":").append(peer.uid()).append(',');
        if (peer.knows(PeerCredentials.Field.GID))
            json.append("\"gid\":").append(peer.gid()).append(',');
        if (peer.knows(PeerCredentials.Field.GROUPS))
        {
            json.append("\"groups\":[");
            int[] groups = peer.groups();
            for (int i = 0; i < groups.length; i++)
                json.append(i == 0 ? "" : ",").append(groups[i]);
            json.append("],");
        }
        if (peer.userName() != null)
            json.append("\"user\":\"").append(escape(peer.userName())).append("\",");
        if (peer.groupName() != null)
            json.append("\"group\":\"").append(escape(peer.groupName())).append("\",");
        if (json.charAt(json.length() - 1) == ',')
            json.setLength(json.length() - 1);
        return json.append('}').toString();
    }

    private static String escape(String text)
    {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray())
        {
            if (c == '"' || c == '\\')
                escaped.append('\\').append(c);
            else if (c < 0x20)
                escaped.append(String.format("\\u%04x", (int)c));
            else
                escaped.append(c);
        }
        return escaped.toString();
    }

    private static void echo(Request request, Response response, Callback callback)
    {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type == null ? "application/octet-stream" : type);
        Content.copy(request, response, callback);
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
        try (OutputStream out = Content.Sink.asOutputStream(response))
        {
            for (long left = count; left > 0; left -= PAYLOAD_CHUNK.length)
                out.write(PAYLOAD_CHUNK, 0, (int)Math.min(PAYLOAD_CHUNK.length, left));
        }
        callback.succeeded();
    }
}
