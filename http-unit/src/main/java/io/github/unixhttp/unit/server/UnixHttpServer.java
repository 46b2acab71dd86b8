package io.github.unixhttp.unit.server;

import java.util.Objects;

import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import io.github.unixhttp.unit.UnixEndpoint;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

/**
 * HTTP on a Unix socket in one call: the "unit" for people who just want a handler served on a socket.
 *
 * <pre>{@code
 * try (UnixHttpServer server = UnixHttpServer.serve(UnixEndpoint.parse("/run/app/app.sock"), handler)) { ... }
 *
 * UnixHttpServer server = UnixHttpServer.builder(UnixEndpoint.parse("@myapp"))
 *     .handler(handler).peerPolicy(PeerPolicy.builder().allowSameUser().build()).h2c(true).start();
 * }</pre>
 *
 * Closing stops the server gracefully and removes the socket file (if it is still ours).
 */
public final class UnixHttpServer implements AutoCloseable
{
    private final Server server;
    private final UnixSocketConnector connector;

    private UnixHttpServer(Server server, UnixSocketConnector connector)
    {
        this.server = server;
        this.connector = connector;
    }

    /**
     * Serves {@code handler} on {@code endpoint} with default options, started.
     */
    public static UnixHttpServer serve(UnixEndpoint endpoint, Handler handler) throws Exception
    {
        return builder(endpoint).handler(handler).start();
    }

    /**
     * Adds a Unix socket connector to an existing server (started at once if the server runs).
     *
     * @return the connector, for its address and statistics
     */
    public static UnixSocketConnector listen(Server server, UnixEndpoint endpoint, Options options) throws Exception
    {
        UnixSocketConnector connector = newConnector(server, endpoint, options);
        server.addConnector(connector);
        if (server.isStarted())
            connector.start();
        return connector;
    }

    public static Builder builder(UnixEndpoint endpoint)
    {
        return new Builder(endpoint);
    }

    public Server server()
    {
        return server;
    }

    public UnixSocketConnector connector()
    {
        return connector;
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }

    private static UnixSocketConnector newConnector(Server server, UnixEndpoint endpoint, Options options)
    {
        HttpConfiguration configuration = UnixSocketConnector.newHttpConfiguration();
        UnixSocketConnector connector = options.h2c
            ? new UnixSocketConnector(server, new HttpConnectionFactory(configuration), new HTTP2CServerConnectionFactory(configuration))
            : new UnixSocketConnector(server, new HttpConnectionFactory(configuration));
        connector.setSocket(endpoint.toString());
        connector.setFileMode(options.mode);
        connector.setFileGroup(options.group);
        connector.setPeerPolicy(options.peerPolicy);
        return connector;
    }

    /**
     * The connector options the one-call server offers; everything else is on {@link #connector()}.
     */
    public static class Options
    {
        SocketFileMode mode;
        String group;
        PeerPolicy peerPolicy = PeerPolicy.allowAll();
        boolean h2c;

        /** The socket file's mode, e.g. {@code SocketFileMode.of(0600)}; not for abstract names. */
        public Options mode(SocketFileMode mode)
        {
            this.mode = mode;
            return this;
        }

        /** The socket file's group, name or gid; not for abstract names. */
        public Options group(String group)
        {
            this.group = group;
            return this;
        }

        /** Who may connect, by credentials; the only access control an abstract name has. */
        public Options peerPolicy(PeerPolicy peerPolicy)
        {
            this.peerPolicy = Objects.requireNonNull(peerPolicy, "peerPolicy");
            return this;
        }

        /** Also accept HTTP/2 cleartext with prior knowledge. */
        public Options h2c(boolean h2c)
        {
            this.h2c = h2c;
            return this;
        }
    }

    /**
     * Options and the handler, then {@link #start()}.
     */
    public static final class Builder extends Options
    {
        private final UnixEndpoint endpoint;
        private Handler handler;

        private Builder(UnixEndpoint endpoint)
        {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        public Builder handler(Handler handler)
        {
            this.handler = handler;
            return this;
        }

        @Override
        public Builder mode(SocketFileMode mode)
        {
            super.mode(mode);
            return this;
        }

        @Override
        public Builder group(String group)
        {
            super.group(group);
            return this;
        }

        @Override
        public Builder peerPolicy(PeerPolicy peerPolicy)
        {
            super.peerPolicy(peerPolicy);
            return this;
        }

        @Override
        public Builder h2c(boolean h2c)
        {
            super.h2c(h2c);
            return this;
        }

        /**
         * @return the server, started
         * @throws Exception the connector's clear error if it cannot listen; nothing is left running then
         */
        public UnixHttpServer start() throws Exception
        {
            Server server = new Server();
            UnixSocketConnector connector = newConnector(server, endpoint, this);
            server.addConnector(connector);
            server.setHandler(Objects.requireNonNull(handler, "handler: call handler(...) before start()"));
            server.setStopTimeout(5_000);
            try
            {
                server.start();
            }
            catch (Exception failure)
            {
                server.stop();
                throw failure;
            }
            return new UnixHttpServer(server, connector);
        }
    }
}
