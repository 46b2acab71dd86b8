package io.github.unixhttp.connector.internal.nativeedge;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.connector.internal.ListeningSocket;
import jnr.unixsocket.UnixServerSocketChannel;

/**
 * A socket listening on a Linux abstract name, through jnr-unixsocket (the JDK refuses such names). Its
 * connections are jnr channels and need jnr's selector. There is no file: closing just closes.
 */
public final class AbstractNameSocket implements ListeningSocket
{
    private final UnixServerSocketChannel channel;
    private final SocketAddress localAddress;

    AbstractNameSocket(UnixServerSocketChannel channel, String name)
    {
        this.channel = channel;
        // Jetty's contract is a UnixDomainSocketAddress; "@name" is how ss, systemd and Go write abstract names.
        this.localAddress = UnixDomainSocketAddress.of("@" + name);
    }

    @Override
    public SelectableChannel channel()
    {
        return channel;
    }

    @Override
    public SocketChannel accept() throws IOException
    {
        return channel.accept();
    }

    @Override
    public SocketAddress localAddress()
    {
        return localAddress;
    }

    @Override
    public boolean needsNativeSelector()
    {
        return true;
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }

    @Override
    public String toString()
    {
        return "unix:" + localAddress;
    }
}
