package io.github.unixhttp.unit;

import java.nio.file.Path;

import io.github.unixhttp.testing.TestHandler;
import io.github.unixhttp.testing.TestServer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;

/**
 * The two servers every client is tested against: ours, and Jetty's own Unix socket connector as the reference.
 */
public enum Servers
{
    UNIXHTTP
    {
        @Override
        public Running start(Path socket) throws Exception
        {
            TestServer server = TestServer.start(socket);
            return new Running(server.handler(), server::close);
        }
    },
    JETTY_UNIXDOMAIN
    {
        @Override
        public Running start(Path socket) throws Exception
        {
            Server server = new Server();
            UnixDomainServerConnector connector = new UnixDomainServerConnector(server);
            connector.setUnixDomainPath(socket);
            server.addConnector(connector);
            TestHandler handler = new TestHandler();
            server.setHandler(handler);
            server.start();
            return new Running(handler, server::stop);
        }
    };

    public abstract Running start(Path socket) throws Exception;

    /** A started server: its handler (to count requests) and how to stop it. */
    public record Running(TestHandler handler, Stop stop) implements AutoCloseable
    {
        @Override
        public void close() throws Exception
        {
            stop.stop();
        }
    }

    @FunctionalInterface
    public interface Stop
    {
        void stop() throws Exception;
    }
}
