package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.github.unixhttp.connector.binding.BindProblem;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.core.internal.nativeedge.Directory;

/**
 * The portable layer's {@link StartLock}: the JDK's file lock on {@code <socket>.lock} beside the socket, opened
 * without following a link and checked to be a regular file of this user's, held while the path is probed, cleared
 * and bound. (The JDK's lock is a POSIX record lock, the Linux layer's a {@code flock(2)}: starters on one path
 * should use the same layer.) The JDK's locks are held per JVM, and a second lock of one file in the same JVM is an
 * error rather than a wait: starters in one JVM first take an in-process lock of the same path.
 */
final class PortableStartLock implements AutoCloseable
{
    private static final ConcurrentMap<Path, ReentrantLock> IN_THIS_JVM = new ConcurrentHashMap<>();

    private final ReentrantLock inThisJvm;
    private final FileChannel channel;
    private final FileLock lock;

    private PortableStartLock(ReentrantLock inThisJvm, FileChannel channel, FileLock lock)
    {
        this.inThisJvm = inThisJvm;
        this.channel = channel;
        this.lock = lock;
    }

    static PortableStartLock acquire(Path socketPath, boolean posix) throws IOException
    {
        Path lockPath = socketPath.resolveSibling(socketPath.getFileName() + ".lock");
        long deadline = System.nanoTime() + StartLock.START_WAIT.toNanos();
        ReentrantLock inThisJvm = IN_THIS_JVM.computeIfAbsent(lockPath, any -> new ReentrantLock());
        try
        {
            if (!inThisJvm.tryLock(StartLock.START_WAIT.toNanos(), TimeUnit.NANOSECONDS))
                throw held(socketPath, lockPath);
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            throw new SocketBindException(socketPath, "interrupted while waiting for the start lock", BindProblem.LOCK_HELD);
        }
        try
        {
            return acquire(socketPath, lockPath, posix, deadline, inThisJvm);
        }
        catch (IOException | RuntimeException | Error failure)
        {
            inThisJvm.unlock();
            throw failure;
        }
    }

    private static SocketBindException held(Path socketPath, Path lockPath)
    {
        return new SocketBindException(socketPath, "another process has held the start lock " + lockPath + " for " +
            StartLock.START_WAIT.toSeconds() + " s: another server is starting on this path. Stop it, or " +
            "choose another socket path", BindProblem.LOCK_HELD);
    }

    private static PortableStartLock acquire(Path socketPath, Path lockPath, boolean posix, long deadline,
                                             ReentrantLock inThisJvm) throws IOException
    {
        FileChannel channel = open(socketPath, lockPath, posix);
        try
        {
            while (true)
            {
                FileLock lock = channel.tryLock();
                if (lock != null)
                    return new PortableStartLock(inThisJvm, channel, lock);
                if (System.nanoTime() > deadline)
                    throw held(socketPath, lockPath);
                Thread.sleep(20);
            }
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            channel.close();
            throw new SocketBindException(socketPath, "interrupted while waiting for the start lock", BindProblem.LOCK_HELD);
        }
        catch (IOException | RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
    }

    /**
     * Creates the lock file, or opens the one there after checking it is a regular file of this user's: never a link
     * (not followed), never a FIFO (an open for writing would wait for a reader). In a directory only root and this
     * user can write to, or a sticky one (the directory check sees to that), no one else can swap it in between.
     */
    private static FileChannel open(Path socketPath, Path lockPath, boolean posix) throws IOException
    {
        if (!posix)
            return FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try
        {
            return FileChannel.open(lockPath, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (FileAlreadyExistsException existing)
        {
            StartLock.checkUsable(Directory.linkStatusOfPath(lockPath), socketPath, lockPath);
            try
            {
                return FileChannel.open(lockPath, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            }
            catch (IOException cannotOpen)
            {
                throw new SocketBindException(socketPath, "cannot open the start lock " + lockPath + " (" + cannotOpen + "). " +
                    "Remove what is in the way yourself, or choose another socket path", BindProblem.LOCK_FILE_FOREIGN, cannotOpen);
            }
        }
        catch (AccessDeniedException denied)
        {
            throw StartLock.notWritable(socketPath, lockPath, Directory.statusOfPath(lockPath.getParent()), denied);
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
            try
            {
                channel.close();
            }
            finally
            {
                inThisJvm.unlock();
            }
        }
    }
}
