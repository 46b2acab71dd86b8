package io.github.unixhttp.unit.internal.okhttp;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import io.github.unixhttp.core.UnixSocketAddress;
import okhttp3.Dns;

/**
 * The OkHttp client's DNS: looks nothing up. Every host is the loopback address under the URL's own host name, a
 * placeholder that OkHttp passes to the socket's connect and {@link DialingSocket} ignores: the connection goes to
 * the Unix socket. So a URL's host never causes a lookup (nor fails one: {@code http://my-service/} works as well
 * as {@code http://localhost/}).
 *
 * <p>One instance per client built, equal only to itself, on purpose: OkHttp tells pooled connections apart by
 * their DNS, proxy settings and host, not by their socket factory. Two clients sharing a {@code ConnectionPool} (as
 * OkHttp advises) would otherwise hand each other connections: a client of one socket a connection to another, or
 * a client with a server identity check a connection another client never checked. Clients derived with
 * {@code newBuilder()} keep the instance, and the socket factory with it, so they do share.</p>
 */
public final class NoDns implements Dns
{
    private static final byte[] LOOPBACK = {127, 0, 0, 1};

    private final UnixSocketAddress address;

    /** @param address the socket the client connects to, for {@link #toString()} */
    public NoDns(UnixSocketAddress address)
    {
        this.address = address;
    }

    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException
    {
        return List.of(InetAddress.getByAddress(hostname, LOOPBACK));
    }

    @Override
    public String toString()
    {
        return "NoDns[every host is unix:" + address + "]";
    }
}
