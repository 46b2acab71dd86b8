package io.github.unixhttp.unit;

import java.nio.file.Path;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.testing.TestHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * A server on a Unix socket that sends clients elsewhere: {@code /redirect?to=URL} answers 302 to URL, and
 * {@code /login} answers 401 (Basic) until the request carries credentials; everything else is the
 * {@link TestHandler}'s. Counts what it handled.
 */
public final class DetourServer implements AutoCloseable
{
    private final Server server = new Server();
    private final TestHandler handler = new TestHandler();

    private DetourServer(Path socket) throws Exception
    {
        UnixSocketConnector connector = new UnixSocketConnector(server);
        connector.setSocketPath(socket);
        server.addConnector(connector);
        server.setHandler(new Handler.Wrapper(handler)
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception
            {
                String path = Request.getPathInContext(request);
                if (path.equals("/redirect"))
                {
                    Fields query = Request.extractQueryParameters(request);
                    Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, query.getValue("to"), false);
                    return true;
                }
                if (path.equals("/login") && !request.getHeaders().contains(HttpHeader.AUTHORIZATION))
                {
                    response.setStatus(HttpStatus.UNAUTHORIZED_401);
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"unixhttp\"");
                    callback.succeeded();
                    return true;
                }
                return super.handle(request, response, callback);
            }
        });
        server.start();
    }

    public static DetourServer start(Path socket) throws Exception
    {
        return new DetourServer(socket);
    }

    /** @return how many requests reached the {@link TestHandler} (redirects and 401s not counted) */
    public int handled()
    {
        return handler.handled();
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
