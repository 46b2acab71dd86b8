package io.github.unixhttp.unit.internal.jetty;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.internal.UnixDialer;
import org.eclipse.jetty.io.Transport;

/**
 * The Jetty transport for an address: {@link UnixTransport} for a socket file, {@link AbstractNameTransport} for an
 * abstract name.
 */
public final class UnixTransports
{
    private UnixTransports()
    {
    }

    /**
     * @return the transport to {@code address} with {@code identity} checked; equal for equal arguments, so that
     *         requests share pooled connections
     * @throws IllegalArgumentException for an inherited socket, which a client cannot connect to
     */
    public static Transport of(UnixSocketAddress address, ServerIdentityCheck identity)
    {
        UnixDialer.requireConnectable(address);
        if (address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME)
            return new AbstractNameTransport(address, identity);
        return new UnixTransport(address, identity);
    }
}
