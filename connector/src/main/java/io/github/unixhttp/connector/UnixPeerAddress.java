package io.github.unixhttp.connector;

import java.net.SocketAddress;

import io.github.unixhttp.connector.credentials.PeerCredentials;

/**
 * The remote address of a connection whose client socket has no name, which is nearly always the case on Unix
 * sockets. The JDK reports such a peer as an empty path, which makes request logs show nothing; this prints as
 * {@code unix:} (as nginx logs such peers) followed by the peer's credentials when they were read, e.g.
 * {@code unix:pid=4321,uid=1000(alice),gid=1000(alice)}, so that a request log's {@code %a} says who it was.
 */
public final class UnixPeerAddress extends SocketAddress
{
    /** The address of a peer whose socket has no name and whose credentials were not read. */
    public static final UnixPeerAddress UNNAMED = new UnixPeerAddress(null);

    private final PeerCredentials peer;
    private String text;

    private UnixPeerAddress(PeerCredentials peer)
    {
        this.peer = peer;
    }

    public static UnixPeerAddress of(PeerCredentials peer)
    {
        return peer == null ? UNNAMED : new UnixPeerAddress(peer);
    }

    /**
     * @return the credentials of the peer, or {@code null} if they were not read
     */
    public PeerCredentials getPeerCredentials()
    {
        return peer;
    }

    @Override
    public String toString()
    {
        // Formatted on first use: most connections are never logged by address.
        String result = text;
        if (result == null)
            text = result = peer == null ? "unix:" : "unix:" + peer;
        return result;
    }
}
