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
    /** The path names another socket of this server's user: another server took it over. */
    REPLACED,
    /**
     * The path names something a takeover never puts there: not a socket, or a socket of another user. No server
     * of ours took over; this one keeps serving (stopping it would let anyone who can write there stop it).
     */
    FOREIGN,
    /** It could not be told, or the socket is not published yet. */
    UNKNOWN
}
