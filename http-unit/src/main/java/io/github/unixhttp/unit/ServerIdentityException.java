package io.github.unixhttp.unit;

import java.io.IOException;

import io.github.unixhttp.core.PeerCredentials;

/**
 * The server behind a Unix socket is not the one the client requires ({@link ServerIdentityCheck}); the
 * connection was closed before any byte of the request was written. {@link SocketFileException}, a subclass, says
 * that what is at the socket path was refused before connecting.
 */
public class ServerIdentityException extends IOException
{
    private final transient PeerCredentials server;

    public ServerIdentityException(String socket, PeerCredentials server, String required)
    {
        super("Refusing to send a request to unix:" + socket + ": the server there runs as " + server +
            ", but " + required + " is required. Another program may have taken the socket's place; check who " +
            "created it (ls -l) before trusting it");
        this.server = server;
    }

    /**
     * For subclasses that refuse before a server was reached.
     */
    protected ServerIdentityException(String message)
    {
        super(message);
        this.server = null;
    }

    /**
     * @return the credentials of the server that was found, or {@code null} if none was reached (a
     *         {@link SocketFileException})
     */
    public PeerCredentials server()
    {
        return server;
    }
}
