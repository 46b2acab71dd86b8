package io.github.unixhttp.unit.server;

import java.util.Objects;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.connector.UnixSocketConnector;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.policy.PeerPolicy;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;

/**
 * HTTP on a Unix socket in one call: the "unit" for people who just want a handler served on a socket.
 *
 * <pre>{@code
 * try (UnixHttpServer server = UnixHttpServer.serve(UnixSocketAddress.parse("/run/app/app.sock"), handler)) { ... }
 *
 * UnixHttpServer server = UnixHttpServer.builder(UnixSocketAddress.parse("@myapp"))
 *     .handler(handler).peerPolicy(PeerPolicy.builder().allowSameUser().build()).h2c(true).start();
 *
 * UnixSocketConnector extra = UnixHttpServer.builder(address).mode(SocketFileMode.of(0660)).addConnectorTo(server);
 * }</pre>
 *
 * Closing stops the server gracefully and removes the socket file (if it is still ours). The address may be an
 * {@linkplain UnixSocketAddress#inherited() inherited} socket, for a server a supervisor starts. The options are
 * {@link UnixSocketSettings}, checked and applied as every framework integration's are.
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
     * Serves {@code handler} on {@code address} with default options, started.
     */
    public static UnixHttpServer serve(UnixSocketAddress address, Handler handler) throws Exception
    {
        return builder(address).handler(handler).start();
    }

    /**
     * @return a builder of a server (or of a connector for an existing server) listening on {@code address}
     */
    public static Builder builder(UnixSocketAddress address)
    {
        return new Builder(address);
    }

    /**
     * @return the Jetty server, for anything the builder does not offer
     */
    public Server getServer()
    {
        return server;
    }

    /**
     * @return the Unix socket connector, for its address and statistics
     */
    public UnixSocketConnector getConnector()
    {
        return connector;
    }

    @Override
    public void close() throws Exception
    {
        server.stop();
    }

    /**
     * The options the one-call server offers, then {@link #start()} for a server of its own, or
     * {@link #addConnectorTo(Server)} for a Unix socket beside an existing server's connectors. Everything else is
     * on the connector ({@link UnixHttpServer#getConnector()}).
     */
    public static final class Builder
    {
        private final UnixSocketSettings.Builder settings;
        private Handler handler;

        private Builder(UnixSocketAddress address)
        {
            settings = UnixSocketSettings.builder().address(Objects.requireNonNull(address, "address"));
        }

        /** What to serve; needed by {@link #start()}. An existing server ({@link #addConnectorTo}) has its own. */
        public Builder handler(Handler handler)
        {
            this.handler = handler;
            return this;
        }

        /** The socket file's mode, e.g. {@code SocketFileMode.of(0600)}; not for abstract names. */
        public Builder mode(SocketFileMode mode)
        {
            settings.fileMode(mode);
            return this;
        }

        /** The socket file's group, name or gid; not for abstract names. */
        public Builder group(String group)
        {
            settings.fileGroup(group);
            return this;
        }

        /**
         * Who may connect, by credentials; the only access control an abstract name has. Default: everyone who can
         * reach a socket file (its mode and group decide), and for an abstract name, which any local user can reach,
         * only {@linkplain PeerPolicy#sameUser() this server's own user}. {@code PeerPolicy.allowAll()} opens an
         * abstract name to every local user.
         */
        public Builder peerPolicy(PeerPolicy peerPolicy)
        {
            settings.peerPolicy(Objects.requireNonNull(peerPolicy, "peerPolicy"));
            return this;
        }

        /** Also accept HTTP/2 cleartext with prior knowledge (needs {@code jetty-http2-server}). */
        public Builder h2c(boolean h2c)
        {
            settings.h2c(h2c);
            return this;
        }

        /**
         * @return the server, started
         * @throws SettingsException if the options do not go together (a mode for an abstract name, say)
         * @throws Exception the connector's clear error if it cannot listen; nothing is left running then
         */
        public UnixHttpServer start() throws Exception
        {
            Server server = new Server();
            UnixSocketConnector connector = newConnector(server);
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

        /**
         * Adds a Unix socket connector with these options to an existing server, started at once if the server runs.
         *
         * @return the connector, for its address and statistics
         * @throws IllegalStateException if a {@link #handler} was given: the server serves its own
         * @throws SettingsException if the options do not go together (a mode for an abstract name, say)
         */
        public UnixSocketConnector addConnectorTo(Server server) throws Exception
        {
            if (handler != null)
                throw new IllegalStateException("A handler was given, but " + server + " serves its own handler on every " +
                    "connector: set it with server.setHandler(...), or call start() for a server of its own");
            UnixSocketConnector connector = newConnector(server);
            server.addConnector(connector);
            if (server.isStarted())
            {
                try
                {
                    connector.start();
                }
                catch (Exception failure)
                {
                    // A connector that could not start must not stay on the server, half there.
                    server.removeConnector(connector);
                    throw failure;
                }
            }
            return connector;
        }

        private UnixSocketConnector newConnector(Server server)
        {
            UnixSocketSettings checked = settings.build();
            UnixSocketConnector connector = new UnixSocketConnector(server, new HttpConnectionFactory(UnixSocketConnector.newHttpConfiguration()));
            // Unset, the peer policy is the connector's default: everyone the file mode lets in; this user only on an
            // abstract name. h2c comes as a second factory on the same configuration.
            return checked.applyTo(connector);
        }
    }
}
