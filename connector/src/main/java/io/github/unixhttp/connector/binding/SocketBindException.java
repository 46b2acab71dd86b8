package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The connector could not listen at its socket path. The message names the problem and how to fix it; the
 * file system is left as it was before the attempt.
 */
public class SocketBindException extends IOException
{
    private final Path path;

    public SocketBindException(Path path, String problemAndFix)
    {
        this(path, problemAndFix, null);
    }

    public SocketBindException(Path path, String problemAndFix, Throwable cause)
    {
        super("Cannot listen on unix:" + path + ": " + problemAndFix, cause);
        this.path = path;
    }

    /**
     * @return the socket path the connector was asked to listen on
     */
    public Path getPath()
    {
        return path;
    }
}
