package io.github.unixhttp.unit;

import java.io.IOException;

/**
 * A client built for a Unix socket was asked to send a request somewhere else: over TCP, through a proxy, or to
 * another socket. Such a client sends requests over its own socket or not at all, so nothing was connected and
 * nothing was sent.
 */
public class UnixRouteException extends IOException
{
    /**
     * @param message where the request would have gone, and what to do instead
     */
    public UnixRouteException(String message)
    {
        super(message);
    }
}
