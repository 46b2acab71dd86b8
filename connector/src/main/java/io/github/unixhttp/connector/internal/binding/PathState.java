package io.github.unixhttp.connector.internal.binding;

/**
 * What a bound socket's path names now, as {@link BoundSocketFile#pathState()} finds it.
 */
public enum PathState
{
    /** The path names this socket. */
    OURS,
    /** Nothing is at the path: someone removed it. Clients can no longer connect, but no other server has the path. */
    ABSENT,
    /** The path names another file: another server took it over (or someone put something else there). */
    REPLACED,
    /** It could not be told, or the socket is not published yet. */
    UNKNOWN
}
