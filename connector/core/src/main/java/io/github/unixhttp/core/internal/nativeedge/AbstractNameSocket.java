package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.core.internal.ListeningSocket;
import jnr.unixsocket.UnixServerSocketChannel;

/**
 * A socket listening on a Linux abstract name, through jnr-unixsocket (the JDK refuses such names). Its
 * connections are jnr channels and need jnr's selector. There is no file: closing just closes.
 */
public final class AbstractNameSocket extends ListeningSocket
{
    private final UnixServerSocketChannel channel;

    AbstractNameSocket(UnixServerSocketChannel channel, String name)
    {
        // Jetty's contract is a UnixDomainSocketAddress; "@name" is how ss, systemd and Go write abstract names.
        super(channel, UnixDomainSocketAddress.of("@" + name));
        this.channel = channel;
    }


    @Override
    public SocketChannel accept() throws IOException
    {
        return channel.accept();
    }


    @Override
    public boolean needsNativeSelector()
    {
        return true;
    }


}
