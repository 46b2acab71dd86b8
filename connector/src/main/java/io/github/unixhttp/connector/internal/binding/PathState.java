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
    /**
     * The path names another socket of this server's user, and the lock file records that a takeover put it there
     * in place of this one ({@link TakeoverRecord}): another server took the path over.
     */
    REPLACED,
    /**
     * The path names another socket of this server's user that no takeover put there: a hard link to another
     * service's socket, say. This server keeps serving its connections; new clients reach that socket.
     */
    UNPROVEN,
    /**
     * The path names something a takeover never puts there: not a socket, or a socket of another user. No server
     * of ours took over; this one keeps serving (stopping it would let anyone who can write there stop it).
     */
    FOREIGN,
    /** It could not be told, or the socket is not published yet. */
    UNKNOWN
}
