package io.github.unixhttp.connector.binding;

/**
 * Why a socket path could not be bound, for programs that react to the cause (the message says it to people).
 */
public enum BindProblem
{
    /** The path is malformed or too long, or its directory is missing. */
    INVALID_PATH,
    /** The socket's directory may be written by users other than root and the server's, without the sticky bit. */
    UNSAFE_DIRECTORY,
    /** This process may not create files in the socket's directory. */
    DIRECTORY_NOT_WRITABLE,
    /** The start lock file is not a regular file of this process's user (a link, a FIFO, another user's file). */
    LOCK_FILE_FOREIGN,
    /** Another process held the start lock for longer than the connector waits. */
    LOCK_HELD,
    /** Something that is not a socket is at the path; it is never removed. */
    NOT_A_SOCKET,
    /** A live server listens at the path. */
    IN_USE,
    /** A live server of another user listens at the path: a takeover replaces only a server of the same user. */
    OTHER_USERS_SERVER,
    /** A dead socket is at the path and the stale-socket policy says not to remove it. */
    STALE_SOCKET,
    /** The file group cannot be looked up or given. */
    GROUP,
    /** Something else; the message says what. */
    OTHER
}
