package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the probe, remove and link steps of everyone binding the same socket path, so that two starters
 * never delete each other's socket. Across processes this is an exclusive lock on {@code <socket>.lock} beside
 * the socket (kept between runs: deleting a lock file others may be waiting on would break the exclusion).
 * Within one JVM, where file locks are per process, a plain lock does the same job.
 */
final class StartLock implements AutoCloseable
{
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    private final FileChannel file;
    private final FileLock lock;

    private StartLock(FileChannel file, FileLock lock)
    {
        this.file = file;
        this.lock = lock;
    }

    static Path lockFileOf(Path socketPath)
    {
        return socketPath.resolveSibling(socketPath.getFileName() + ".lock");
    }

    static StartLock acquire(Path socketPath) throws IOException
    {
        Path lockPath = lockFileOf(socketPath);
        IN_THIS_JVM.lock();
        FileChannel file = null;
        try
        {
            file = FileChannel.open(lockPath,
                EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            return new StartLock(file, file.lock());
        }
        catch (AccessDeniedException denied)
        {
            release(file);
            throw new SocketBindException(socketPath, "cannot open the start lock " + lockPath +
                ": permission denied. It belongs to another user who serves this path; run as that user, " +
                "or remove the lock file if that user no longer serves here", denied);
        }
        catch (IOException | RuntimeException | Error failure)
        {
            release(file);
            throw failure;
        }
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            lock.release();
        }
        finally
        {
            release(file);
        }
    }

    private static void release(FileChannel file) throws IOException
    {
        try
        {
            if (file != null)
                file.close();
        }
        finally
        {
            IN_THIS_JVM.unlock();
        }
    }
}
