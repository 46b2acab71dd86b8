package io.github.unixhttp.unit;

import java.io.IOException;

import io.github.unixhttp.connector.credentials.PeerCredentials;

/**
 * The server behind a Unix socket is not the one the client requires ({@link ServerIdentityCheck}); the
 * connection was closed before any byte of the request was written.
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
     * @return the credentials of the server that was found
     */
    public PeerCredentials getServer()
    {
        return server;
    }
}
