package io.github.unixhttp.testing;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.core.PeerCredentials;
import io.github.unixhttp.connector.UnixSocketCustomizer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * What the tests talk to: {@code /info} describes the request as the server saw it, {@code POST /echo} streams
 * the body back, {@code POST /digest} answers the body's length and SHA-256, {@code /bytes?n=N} sends N bytes;
 * anything else answers "hello". Counts the requests it handled.
 */
public class TestHandler extends Handler.Abstract
{
    private final AtomicInteger handled = new AtomicInteger();

    public int handled()
    {
        return handled.get();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception
    {
        handled.incrementAndGet();
        String path = Request.getPathInContext(request);
        switch (path)
        {
            case "/info" -> text(response, callback, String.join("\n",
                "remote=" + Request.getRemoteAddr(request),
                "remote.type=" + request.getConnectionMetaData().getRemoteSocketAddress().getClass().getName(),
                "remote.port=" + Request.getRemotePort(request),
                "local=" + Request.getLocalAddr(request),
                "local.type=" + request.getConnectionMetaData().getLocalSocketAddress().getClass().getName(),
                "endpoint=" + endPointAddresses(request),
                "authority=" + authority(request),
                "version=" + request.getConnectionMetaData().getHttpVersion(),
                "uri=" + request.getHttpURI(),
                "host=" + Request.getServerName(request),
                "connection=" + request.getConnectionMetaData().getId(),
                "peer=" + UnixSocketCustomizer.peerOf(request),
                "peer.pid=" + request.getAttribute(PeerCredentials.PID_ATTRIBUTE),
                "peer.uid=" + request.getAttribute(PeerCredentials.UID_ATTRIBUTE),
                "peer.gid=" + request.getAttribute(PeerCredentials.GID_ATTRIBUTE),
                "peer.groups=" + groups(request.getAttribute(PeerCredentials.GROUPS_ATTRIBUTE)),
                "peer.user=" + request.getAttribute(PeerCredentials.USER_ATTRIBUTE),
                "peer.group=" + request.getAttribute(PeerCredentials.GROUP_ATTRIBUTE),
                "peer.exe=" + request.getAttribute(io.github.unixhttp.core.PeerProcess.EXECUTABLE_ATTRIBUTE),
                "peer.unit=" + request.getAttribute(io.github.unixhttp.core.PeerProcess.UNIT_ATTRIBUTE),
                ""));
            case "/echo" -> Content.copy(request, response, callback);
            case "/digest" -> digest(request, response, callback);
            case "/bytes" -> bytes(request, response, callback);
            default -> text(response, callback, "hello");
        }
        return true;
    }

    /** Jetty's own Unix connector throws here ("Bad Authority"); say so instead of failing the request. */
    /** The endpoint's own view of its addresses, and that it prints. */
    private static String endPointAddresses(Request request)
    {
        org.eclipse.jetty.io.EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        return endPoint.getLocalSocketAddress().getClass().getSimpleName() + "," +
            endPoint.getRemoteSocketAddress().getClass().getSimpleName() + "," + !endPoint.toString().isEmpty();
    }

    private static String authority(Request request)
    {
        try
        {
            return String.valueOf(request.getConnectionMetaData().getServerAuthority());
        }
        catch (RuntimeException failure)
        {
            return "<" + failure + ">";
        }
    }

    /** Reads the whole body as a stream and answers its length and SHA-256: an upload without an echo. */
    private static void digest(Request request, Response response, Callback callback) throws Exception
    {
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        long length = 0;
        try (java.io.InputStream body = Content.Source.asInputStream(request))
        {
            byte[] chunk = new byte[65536];
            for (int read = body.read(chunk); read >= 0; read = body.read(chunk))
            {
                sha256.update(chunk, 0, read);
                length += read;
            }
        }
        text(response, callback, "length=" + length + " sha256=" + java.util.HexFormat.of().formatHex(sha256.digest()));
    }

    private static String groups(Object groups)
    {
        if (!(groups instanceof int[] ids))
            return "null";
        StringBuilder text = new StringBuilder();
        for (int id : ids)
            text.append(text.length() == 0 ? "" : ",").append(id);
        return text.toString();
    }

    private static void text(Response response, Callback callback, String body)
    {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, body, callback);
    }

    private static void bytes(Request request, Response response, Callback callback) throws Exception
    {
        Fields query = Request.extractQueryParameters(request);
        long count = Long.parseLong(query.getValue("n"));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, count);
        byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = Content.Sink.asOutputStream(response))
        {
            for (long left = count; left > 0; left -= chunk.length)
                out.write(chunk, 0, (int)Math.min(chunk.length, left));
        }
        callback.succeeded();
    }
}
