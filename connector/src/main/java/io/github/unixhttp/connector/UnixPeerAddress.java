package io.github.unixhttp.connector;

import java.net.SocketAddress;

/**
 * The remote address of a connection whose client socket has no name, which is nearly always the case on
 * Unix sockets. The JDK reports such a peer as an empty path, which makes request logs show nothing; this
 * prints as {@code unix:} (as nginx logs such peers) so that logs say how the client came in.
 */
public final class UnixPeerAddress extends SocketAddress
{
    /** The address of a peer whose socket has no name. */
    public static final UnixPeerAddress UNNAMED = new UnixPeerAddress("unix:");

    private final String text;

    private UnixPeerAddress(String text)
    {
        this.text = text;
    }

    @Override
    public String toString()
    {
        return text;
    }
}
