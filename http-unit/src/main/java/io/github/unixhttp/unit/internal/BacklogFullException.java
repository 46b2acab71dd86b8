package io.github.unixhttp.unit.internal;

import java.net.SocketException;

/**
 * A connect that found the server's listen backlog full (EAGAIN), where the code that saw it knows that is what it
 * was (jnr's channels for abstract names report it as a connect still pending). Retried until the connect timeout.
 */
public final class BacklogFullException extends SocketException
{
    public BacklogFullException(String message)
    {
        super(message);
    }
}
