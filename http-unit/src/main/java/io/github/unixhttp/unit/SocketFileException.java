package io.github.unixhttp.unit;

import java.nio.file.Path;

/**
 * What is at the socket path is not what the {@link ServerIdentityCheck} accepts, seen before connecting: a
 * symbolic link, something other than a socket, or a socket file of another owner. Nothing was connected and
 * nothing was sent.
 */
public class SocketFileException extends ServerIdentityException
{
    /** What was wrong with the path. */
    public enum Problem
    {
        /** The path is a symbolic link and the check does not allow links. */
        SYMBOLIC_LINK,
        /** The path (or the file a permitted link leads to) is not a socket. */
        NOT_A_SOCKET,
        /** The socket file belongs to another user than the check requires. */
        WRONG_OWNER
    }

    private final transient Path path;
    private final Problem problem;

    /**
     * @param path    the socket path the client was built for
     * @param problem what was wrong with it
     * @param message what was found, and what to do
     */
    public SocketFileException(Path path, Problem problem, String message)
    {
        super(message);
        this.path = path;
        this.problem = problem;
    }

    /**
     * @return the socket path the client was built for
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return what was wrong with the path
     */
    public Problem problem()
    {
        return problem;
    }
}
