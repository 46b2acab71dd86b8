package io.github.unixhttp.unit;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.connector.credentials.PeerCredentials;
import io.github.unixhttp.connector.nativeedge.NativeEdge;
import io.github.unixhttp.connector.policy.ServerIdentity;

/**
 * What a client requires of the server behind a Unix socket, checked with {@code SO_PEERCRED} on the client's own
 * socket right after {@code connect(2)} and before any byte of a request is written. This defends against a
 * squatter: a program that put its own socket at the path in a shared directory (such as /tmp) to read what
 * clients send.
 */
public final class ServerIdentityCheck
{
    private static final ServerIdentityCheck NONE = new ServerIdentityCheck(-1, "any user");

    private final int uid;
    private final String description;

    private ServerIdentityCheck(int uid, String description)
    {
        this.uid = uid;
        this.description = description;
    }

    /** No check: any server will do (the default). */
    public static ServerIdentityCheck none()
    {
        return NONE;
    }

    /** The server must run as this user id, e.g. 0 for a system daemon. */
    public static ServerIdentityCheck uid(int uid)
    {
        if (uid < 0)
            throw new IllegalArgumentException("A user id is 0 or more, not " + uid);
        return new ServerIdentityCheck(uid, "uid " + uid);
    }

    /** The server must run as the same user as this client: the check for a desktop app talking to itself. */
    public static ServerIdentityCheck sameUser()
    {
        return new ServerIdentityCheck(ServerIdentity.uid(), "uid " + ServerIdentity.uid() + " (the same user as this client)");
    }

    public boolean isNone()
    {
        return uid < 0;
    }

    /**
     * @throws ServerIdentityException if the server on the other end of {@code channel} is not who is required
     */
    public void verify(SocketChannel channel, String socket) throws IOException
    {
        if (isNone())
            return;
        PeerCredentials server = NativeEdge.peerCredentialsReader().read(channel);
        if (server.knows(PeerCredentials.Field.UID))
        {
            if (server.uid() != uid)
                throw new ServerIdentityException(socket, server, description);
            return;
        }
        String requiredName = NativeEdge.names().userName(uid);
        if (requiredName == null || !requiredName.equals(server.userName()))
            throw new ServerIdentityException(socket, server, description);
    }

    /** Checks of the same user are equal, so that transports built with them share pooled connections. */
    @Override
    public boolean equals(Object other)
    {
        return other instanceof ServerIdentityCheck that && uid == that.uid;
    }

    @Override
    public int hashCode()
    {
        return Integer.hashCode(uid);
    }

    @Override
    public String toString()
    {
        return isNone() ? "no server identity check" : "server must be " + description;
    }
}
