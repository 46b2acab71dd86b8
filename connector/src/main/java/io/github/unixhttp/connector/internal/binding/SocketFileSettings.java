package io.github.unixhttp.connector.internal.binding;

import java.nio.file.Path;

import io.github.unixhttp.connector.binding.SocketFileMode;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;

/**
 * How a socket file must look and be handled, whatever its path: the connector's file settings at start.
 *
 * @param mode the file's permission bits, or {@code null} to keep what the process umask gives
 * @param group the file's group as a name or a numeric gid, or {@code null} to keep the process's group
 * @param stalePolicy what to do with a dead socket found at the path
 * @param allowUnsafeDirectory whether to bind where users other than root and the server's could replace the file
 */
public record SocketFileSettings(SocketFileMode mode, String group, StaleSocketPolicy stalePolicy, boolean allowUnsafeDirectory)
{
    /** @return whether a mode or group was asked for, which only a socket file can have */
    public boolean hasFileAttributes()
    {
        return mode != null || group != null;
    }

    /** @return what to bind at {@code path} */
    public SocketFileSpec at(Path path, int backlog)
    {
        return new SocketFileSpec(path, mode, group, backlog, stalePolicy, allowUnsafeDirectory);
    }
}
