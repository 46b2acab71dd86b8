package io.github.unixhttp.unit.okhttp;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.testing.TestHandler;
import io.github.unixhttp.unit.Servers;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * A server on a Unix socket for the OkHttp tests, ours ({@link UnixSocketConnector}, a path or an abstract name) or
 * Jetty's own ({@link UnixDomainServerConnector}, a path): the {@link TestHandler}, plus {@code /redirect?to=URL},
 * which answers 302 to URL. Counts the connections it accepted and the requests the test handler handled.
 */
final class CountingServer implements AutoCloseable
{
    private final Server server = new Server();
    private final TestHandler handler = new TestHandler();
    private final AtomicInteger accepted = new AtomicInteger();

    private CountingServer(Servers kind, UnixSocketAddress address) throws Exception
    {
        Connection.Listener counter = new Connection.Listener()
        {
            @Override
            public void onOpened(Connection connection)
            {
                accepted.incrementAndGet();
            }
        };
        if (kind == Servers.UNIXHTTP)
        {
            UnixSocketConnector connector = new UnixSocketConnector(server);
            connector.setAddress(address);
            connector.addEventListener(counter);
            server.addConnector(connector);
        }
        else
        {
            UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
            connector.setUnixDomainPath(address.path());
            connector.addEventListener(counter);
            server.addConnector(connector);
        }
        server.setHandler(new Handler.Wrapper(handler)
        {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception
            {
                if (Request.getPathInContext(request).equals("/redirect"))
                {
                    Fields query = Request.extractQueryParameters(request);
                    Response.sendRedirect(request, response, callback, HttpStatus.FOUND_302, query.getValue("to"), false);
                    return true;
                }
                return super.handle(request, response, callback);
            }
        });
        server.start();
    }

    /** Our connector on {@code address}. */
    static CountingServer start(UnixSocketAddress address) throws Exception
    {
        return new CountingServer(Servers.UNIXHTTP, address);
    }

    /** {@code kind}'s connector on {@code address}: Jetty's takes a path only. */
    static CountingServer start(Servers kind, UnixSocketAddress address) throws Exception
    {
        return new CountingServer(kind, address);
    }

    /** @return how many connections the server accepted */
    int accepted()
    {
        return accepted.get();
    }

    /** @return how many requests reached the {@link TestHandler} (redirects not counted) */
    int handled()
    {
        return handler.handled();
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }
}
