package io.github.unixhttp.connector;

/**
 * What a {@link UnixSocketConnector} does once it has drained after its path was taken over (see
 * {@link SocketReplacedListener}).
 */
public enum WhenReplaced
{
    /**
     * Stop the whole {@link org.eclipse.jetty.server.Server} gracefully (the default): a server whose only way in was
     * this path has nothing left to do, and its process can exit as after a clean stop, say with status 0.
     */
    STOP_SERVER,
    /** Stop only this connector: for a server that goes on serving through other connectors (a TCP port, say). */
    STOP_CONNECTOR,
    /** Nothing more than the drain: a {@link SocketReplacedListener} decides. */
    NOTHING
}
