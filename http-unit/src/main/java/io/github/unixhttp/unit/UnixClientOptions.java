package io.github.unixhttp.unit;

import java.time.Duration;
import java.util.Objects;

/**
 * How clients connect to a Unix endpoint: the connect timeout and the server identity to require.
 *
 * <pre>{@code
 * UnixClientOptions.builder().connectTimeout(Duration.ofSeconds(2)).serverIdentity(ServerIdentityCheck.uid(0)).build()
 * }</pre>
 *
 * @param connectTimeout how long a connect may wait for the server to accept; default 10 s
 * @param serverIdentity whom the server must run as; default no check
 */
public record UnixClientOptions(Duration connectTimeout, ServerIdentityCheck serverIdentity)
{
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public UnixClientOptions
    {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(serverIdentity, "serverIdentity");
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
        private ServerIdentityCheck serverIdentity = ServerIdentityCheck.none();

        private Builder()
        {
        }

        public Builder connectTimeout(Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder serverIdentity(ServerIdentityCheck serverIdentity)
        {
            this.serverIdentity = serverIdentity;
            return this;
        }

        public UnixClientOptions build()
        {
            return new UnixClientOptions(connectTimeout, serverIdentity);
        }
    }
}
