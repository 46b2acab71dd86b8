package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The connector could not listen at its socket path. The message names the problem and how to fix it, and
 * {@link #problem()} says which it is; the file system is left as it was before the attempt.
 */
public class SocketBindException extends IOException
{
    private final BindProblem problem;
    private final String problemAndFix;

    public SocketBindException(Path path, String problemAndFix, BindProblem problem)
    {
        this(path, problemAndFix, problem, null);
    }

    public SocketBindException(Path path, String problemAndFix, BindProblem problem, Throwable cause)
    {
        super("Cannot listen on unix:" + path + ": " + problemAndFix, cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.problemAndFix = problemAndFix;
    }

    /**
     * @return the message without its "Cannot listen on unix:PATH: " opening, for a stop that reports the same problem
     */
    public String problemAndFix()
    {
        return problemAndFix;
    }

    /**
     * @return which problem prevented the bind
     */
    public BindProblem problem()
    {
        return problem;
    }
}
