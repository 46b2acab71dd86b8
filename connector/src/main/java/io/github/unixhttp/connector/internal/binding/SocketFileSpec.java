package io.github.unixhttp.connector.internal.binding;

import java.nio.file.Path;
import java.util.Objects;
import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;

/**
 * What to bind: the socket path and how the socket file must look once clients can reach it.
 *
 * @param path where clients find the socket
 * @param mode the file's permission bits, or {@code null} to keep what the process umask gives
 * @param group the file's group as a name or a numeric gid, or {@code null} to keep the process's group
 * @param backlog the listen queue length; {@code 0} or less means the JDK default
 * @param stalePolicy what to do with a dead socket found at the path
 * @param allowUnsafeDirectory whether to bind even where users other than root and the server's could replace the
 *        socket file (a directory they own or may write without the sticky bit); a warning is logged instead
 */
public record SocketFileSpec(Path path, SocketFileMode mode, String group, int backlog, StaleSocketPolicy stalePolicy,
                             boolean allowUnsafeDirectory)
{
    public SocketFileSpec
    {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(stalePolicy, "stalePolicy");
    }

    /**
     * A spec that refuses unsafe directories.
     */
    public SocketFileSpec(Path path, SocketFileMode mode, String group, int backlog, StaleSocketPolicy stalePolicy)
    {
        this(path, mode, group, backlog, stalePolicy, false);
    }
}
