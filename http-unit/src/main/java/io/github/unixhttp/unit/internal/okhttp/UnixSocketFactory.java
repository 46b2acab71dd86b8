package io.github.unixhttp.unit.internal.okhttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

import javax.net.SocketFactory;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.unit.ServerIdentityCheck;

/**
 * The OkHttp client's socket factory: every socket it makes connects to its one Unix socket, whatever host and port
 * it is asked for. OkHttp calls {@link #createSocket()} and then connects the socket to the address of a route (the
 * placeholder of {@link NoDns}, a URL's IP literal, or an HTTP proxy's address): see {@link DialingSocket}, which
 * makes that connect go to the Unix socket through the dialer, with OkHttp's connect timeout, the file check and the
 * server identity check.
 *
 * <p>The other methods of {@link SocketFactory}, which OkHttp does not call, connect at once, with the connect
 * timeout of the client's options.</p>
 */
public final class UnixSocketFactory extends SocketFactory
{
    private final UnixSocketAddress address;
    private final ServerIdentityCheck identity;
    private final int connectTimeoutMillis;

    /**
     * @param identity     the check to make, as {@code UnixClientOptions.serverIdentityFor} gives it for {@code address}
     * @param connectTimeout for the sockets this makes connected; OkHttp passes its own when it connects
     */
    public UnixSocketFactory(UnixSocketAddress address, ServerIdentityCheck identity, Duration connectTimeout)
    {
        this.address = address;
        this.identity = identity;
        this.connectTimeoutMillis = UnixOkHttpBuilders.millis(connectTimeout);
    }

    /** @return the Unix socket every socket of this factory connects to */
    public UnixSocketAddress address()
    {
        return address;
    }

    /** @return an unconnected socket, which connects to this factory's Unix socket whatever address it is given */
    @Override
    public Socket createSocket()
    {
        return new DialingSocket(address, identity);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException
    {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException
    {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException
    {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException
    {
        return connected();
    }

    private Socket connected() throws IOException
    {
        Socket socket = createSocket();
        socket.connect(InetSocketAddress.createUnresolved("localhost", 80), connectTimeoutMillis);
        return socket;
    }

    @Override
    public String toString()
    {
        return "UnixSocketFactory[unix:" + address + ", " + identity + "]";
    }
}
