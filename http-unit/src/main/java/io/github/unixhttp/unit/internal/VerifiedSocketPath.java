package io.github.unixhttp.unit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import io.github.unixhttp.core.internal.nativeedge.Directory;

/**
 * A socket file that passed the client's checks, and the address that connects to exactly that file: while this is
 * open, {@code /proc/self/fd/N} of a reference ({@code O_PATH}) descriptor to the very inode that was checked, so that
 * a link or another socket swapped in at the path after the check is never reached (the check looks, {@code
 * connect(2)} would resolve the path again). Close it once the connect call has returned. Where no such descriptor can
 * be had (no {@code /proc}: not Linux), or when nothing was checked, the path itself.
 */
public final class VerifiedSocketPath implements Closeable
{
    private final Path path;
    private final int reference;
    /** Closed once only: a descriptor number closed twice could be another file's by then. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private VerifiedSocketPath(Path path, int reference)
    {
        this.path = path;
        this.reference = reference;
    }

    /** @return the path as given, connected to by name: nothing was pinned */
    public static VerifiedSocketPath byName(Path path)
    {
        return new VerifiedSocketPath(path, -1);
    }

    /** @param reference an {@code O_PATH} descriptor of the checked file, which this closes */
    public static VerifiedSocketPath pinned(Path path, int reference)
    {
        return new VerifiedSocketPath(path, reference);
    }

    /** @return the path the caller gave, for messages */
    public Path path()
    {
        return path;
    }

    /** @return the address to connect to */
    public UnixDomainSocketAddress connectAddress()
    {
        return UnixDomainSocketAddress.of(reference >= 0 ? Path.of("/proc/self/fd/" + reference) : path);
    }

    @Override
    public void close() throws IOException
    {
        if (reference >= 0 && closed.compareAndSet(false, true))
            Directory.closeDescriptor(reference);
    }

    @Override
    public String toString()
    {
        return reference >= 0 ? path + " (pinned as descriptor " + reference + ")" : path.toString();
    }
}
