package io.github.unixhttp.unit;

import java.time.Duration;
import java.util.Objects;

import io.github.unixhttp.core.UnixSocketAddress;

/**
 * How clients connect to a Unix endpoint: the connect timeout and the server identity to require.
 *
 * <pre>{@code
 * UnixClientOptions.builder().connectTimeout(Duration.ofSeconds(2)).serverIdentity(ServerIdentityCheck.uid(0)).build()
 * }</pre>
 *
 * @param connectTimeout how long a connect may wait for the server to accept; default 10 s
 * @param serverIdentity whom the server must run as, and what the socket file must be (not a link unless allowed, a
 *                       socket, of a required owner); by default none for a socket file and
 *                       {@link ServerIdentityCheck#sameUserOrRoot()} for an abstract name, which has no file
 *                       permissions ({@link #serverIdentityFor}); {@link ServerIdentityCheck#none()} opts out
 * @param maxConnections how many connections the Apache clients pool to the socket; default 25 (HttpClient's own
 *                       default of 5 per route would cap a busy client, and a socket is a single route)
 * @param tls            TLS over the socket for {@code https} URLs, or {@code null} (the default): then {@code https}
 *                       is refused with a {@link UnixRouteException}
 */
public record UnixClientOptions(Duration connectTimeout, ServerIdentityCheck serverIdentity, int maxConnections, UnixTls tls)
{
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_MAX_CONNECTIONS = 25;

    public UnixClientOptions
    {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(serverIdentity, "serverIdentity");
        if (maxConnections < 1)
            throw new IllegalArgumentException("maxConnections must be at least 1, not " + maxConnections);
    }

    /** Options without TLS: {@code https} is refused. */
    public UnixClientOptions(Duration connectTimeout, ServerIdentityCheck serverIdentity, int maxConnections)
    {
        this(connectTimeout, serverIdentity, maxConnections, null);
    }

    /**
     * The check a client of {@code address} makes: the one named in the options, or, if none was named, the
     * default: none for a socket file, {@link ServerIdentityCheck#sameUserOrRoot()} for an abstract name (anyone
     * in the network namespace can listen on an abstract name; its refusal names the opt-out,
     * {@code serverIdentity(ServerIdentityCheck.none())}).
     *
     * @throws IllegalArgumentException if the check asks for a socket file's owner and {@code address} is an abstract
     *                                  name, which has no file: the check could not be made, so it is refused
     */
    public ServerIdentityCheck serverIdentityFor(UnixSocketAddress address)
    {
        boolean abstractName = address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME;
        if (abstractName && serverIdentity.requiresFileOwner())
            throw new IllegalArgumentException("unix:" + address + " is an abstract name, which has no file, so " +
                "requireFileOwner cannot be checked: require the server's user instead, e.g. ServerIdentityCheck.uid(n)");
        if (!serverIdentity.isUnnamed())
            return serverIdentity;
        return address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME ? ServerIdentityCheck.abstractNameDefault() : ServerIdentityCheck.none();
    }

    public static UnixClientOptions defaults()
    {
        return builder().build();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public static final class Builder
    {
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private ServerIdentityCheck serverIdentity = ServerIdentityCheck.DEFAULT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private UnixTls tls;

        private Builder()
        {
        }

        /** How long a connect may wait for the server to accept; zero waits as long as it takes. Default 10 s. */
        public Builder connectTimeout(Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Whom the server must run as, checked before any request byte is written, and what the socket file must be,
         * checked before connecting (see {@link ServerIdentityCheck}). Default: no check for a socket file, and
         * {@link ServerIdentityCheck#sameUserOrRoot()} for an abstract name, which has no file permissions; name
         * {@link ServerIdentityCheck#none()} here to accept any server on an abstract name.
         */
        public Builder serverIdentity(ServerIdentityCheck serverIdentity)
        {
            this.serverIdentity = serverIdentity;
            return this;
        }

        /** How many connections the Apache clients pool to the socket. Default 25. */
        public Builder maxConnections(int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * TLS over the socket for {@code https} URLs, the server's certificate checked against the name the
         * {@link UnixTls} gives (not the URL's host). Default none: {@code https} is refused. {@code http} URLs stay
         * plain either way.
         */
        public Builder tls(UnixTls tls)
        {
            this.tls = tls;
            return this;
        }

        public UnixClientOptions build()
        {
            return new UnixClientOptions(connectTimeout, serverIdentity, maxConnections, tls);
        }
    }
}
