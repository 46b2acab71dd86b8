package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.connector.binding.BindProblem;

/**
 * Serializes the probe, remove and link steps of everyone binding the same socket path, so that two starters
 * never delete each other's socket: an exclusive {@code flock(2)} on {@code <socket>.lock} beside the socket. A
 * server's clean stop removes it with its socket, holding the lock; so that a starter waiting on the removed file
 * cannot believe it holds the lock, a lock counts only if the file locked is still the one at the name (else the
 * one there now is locked). A {@code flock} belongs
 * to an open file, so the exclusion holds between connectors of one JVM as well as between processes, and
 * connectors on other paths are never held up.
 *
 * <p>The lock file is opened relative to the socket's directory, without following a link and without blocking
 * (a FIFO cannot hang the start), and is accepted only if it is a regular file owned by this process's user.
 * Waiting for the lock is bounded: a start fails saying who holds it, a stop gives up and leaves the path alone.</p>
 */
public final class StartLock implements AutoCloseable
{
    /** How long a start waits for another starter; binding takes milliseconds, so this is generous. */
    static final Duration START_WAIT = Duration.ofSeconds(5);
    /** How long a stop waits before it leaves the socket file in place rather than hang. */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private static final long POLL_MILLIS = 10;
    private static final long MAX_POLL_MILLIS = 100;

    private final int descriptor;
    private final Directory directory;
    private final String lockName;

    private StartLock(int descriptor, Directory directory, String lockName)
    {
        this.descriptor = descriptor;
        this.directory = directory;
        this.lockName = lockName;
    }

    /**
     * Takes the lock of the socket {@code socketName} in {@code directory}, waiting at most {@code wait}.
     *
     * @param socketPath the socket's full path, for messages
     * @throws SocketBindException naming the problem and the fix if the lock file is not acceptable or stays held
     */
    static StartLock acquire(Directory directory, String socketName, Path socketPath, Duration wait) throws IOException
    {
        String lockName = socketName + ".lock";
        Path lockPath = socketPath.resolveSibling(lockName);
        long deadline = System.nanoTime() + wait.toNanos();
        while (true)
        {
            StartLock lock = acquireOnce(directory, lockName, socketPath, lockPath, deadline, wait);
            if (lock != null)
                return lock;
            // The holder removed the file we waited on (a server's last stop does): lock the one at the name now.
        }
    }

    /**
     * @return the lock, or {@code null} if the file locked is no longer the one at the name (removed or replaced by
     *         its holder meanwhile): a lock on it would exclude no one
     */
    private static StartLock acquireOnce(Directory directory, String lockName, Path socketPath, Path lockPath, long deadline,
                                         Duration wait) throws IOException
    {
        int descriptor = open(directory, lockName, socketPath, lockPath);
        try
        {
            check(descriptor, socketPath, lockPath);
            long pause = POLL_MILLIS;
            while (!Directory.tryLock(descriptor))
            {
                if (System.nanoTime() - deadline >= 0)
                    throw new SocketBindException(socketPath, "the start lock " + lockPath + " is held by " +
                        holderOf(descriptor) + " and was not released within " + wait.toMillis() + " ms. Another " +
                        "server is starting or stopping on this path; if that process hangs, stop it, then start again",
                        BindProblem.LOCK_HELD);
                Thread.sleep(pause);
                pause = Math.min(MAX_POLL_MILLIS, pause * 2);
            }
            FileStatus atName = directory.statusOf(lockName);
            if (atName == null || !atName.sameFileAs(Directory.statusOfDescriptor(descriptor)))
            {
                closeQuietly(descriptor);
                return null;
            }
            return new StartLock(descriptor, directory, lockName);
        }
        catch (InterruptedException interrupted)
        {
            Thread.currentThread().interrupt();
            closeQuietly(descriptor);
            throw new SocketBindException(socketPath, "interrupted while waiting for the start lock " + lockPath,
                BindProblem.LOCK_HELD);
        }
        catch (IOException | RuntimeException | Error failure)
        {
            closeQuietly(descriptor);
            throw failure;
        }
    }

    private static int open(Directory directory, String lockName, Path socketPath, Path lockPath) throws IOException
    {
        try
        {
            return directory.openOrCreateFile(lockName, 0600);
        }
        catch (NativeCallException failure)
        {
            FileStatus existing = directory.statusOf(lockName);
            switch (failure.errno())
            {
                case NativeCallException.ELOOP ->
                    throw symbolicLink(socketPath, lockPath, failure);
                case NativeCallException.EACCES, NativeCallException.EPERM ->
                {
                    if (existing == null)
                        throw notWritable(socketPath, lockPath, directory.status(), failure);
                    throw foreign(socketPath, lockPath, existing, failure);
                }
                case NativeCallException.EROFS ->
                    throw new SocketBindException(socketPath, lockPath.getParent() + " is on a read-only file system. " +
                        "Choose a directory on a writable one, such as /run or $XDG_RUNTIME_DIR", BindProblem.DIRECTORY_NOT_WRITABLE, failure);
                default ->
                    throw new SocketBindException(socketPath, "cannot open the start lock " + lockPath + ": " +
                        (existing == null ? "" : FileKind.of(existing).description() + " is there; ") + failure.getMessage() +
                        ". Remove what is in the way yourself, or choose another socket path", BindProblem.LOCK_FILE_FOREIGN, failure);
            }
        }
    }

    private static void check(int descriptor, Path socketPath, Path lockPath) throws IOException
    {
        checkUsable(Directory.statusOfDescriptor(descriptor), socketPath, lockPath);
    }

    /**
     * Refuses a lock file that is a link, not a regular file, or another user's (shared with the portable layer's
     * {@link PortableStartLock}, so that both say it alike).
     */
    static void checkUsable(FileStatus status, Path socketPath, Path lockPath) throws IOException
    {
        if (status.isSymbolicLink())
            throw symbolicLink(socketPath, lockPath, null);
        if (!status.isRegularFile())
            throw new SocketBindException(socketPath, "the start lock " + lockPath + " is " + FileKind.of(status).description() +
                ", not a regular file, and unixhttp never uses what it did not create there. Find out who made it and " +
                "remove it, or choose another socket path", BindProblem.LOCK_FILE_FOREIGN);
        if (status.uid() != Directory.effectiveUid())
            throw foreign(socketPath, lockPath, status, null);
    }

    static SocketBindException symbolicLink(Path socketPath, Path lockPath, Throwable cause)
    {
        return new SocketBindException(socketPath, "the start lock " + lockPath + " is a symbolic link, and " +
            "unixhttp never follows links there (someone may be trying to make this server write elsewhere). " +
            "Find out who made it and remove it, or choose another socket path", BindProblem.LOCK_FILE_FOREIGN, cause);
    }

    static SocketBindException notWritable(Path socketPath, Path lockPath, FileStatus directory, Throwable cause)
    {
        return new SocketBindException(socketPath, "this process (" + ProcessUser.describe() + ") may not " +
            "create files in " + lockPath.getParent() + " (" + DirectorySafety.describe(directory) +
            "). Run as a user who may write there, or choose another directory", BindProblem.DIRECTORY_NOT_WRITABLE, cause);
    }

    private static SocketBindException foreign(Path socketPath, Path lockPath, FileStatus status, Throwable cause)
    {
        return new SocketBindException(socketPath, "the start lock " + lockPath + " belongs to " +
            ProcessUser.describe(status.uid()) + ", not to this process (" + ProcessUser.describe() + "), and only the " +
            "server's own user may hold it. If that user serves this path, run as that user; otherwise remove " +
            lockPath + " and start again", BindProblem.LOCK_FILE_FOREIGN, cause);
    }

    /**
     * @return who holds the lock on the file, as far as {@code /proc/locks} says
     */
    private static String holderOf(int descriptor)
    {
        try
        {
            FileStatus status = Directory.statusOfDescriptor(descriptor);
            OptionalLong pid = lockHolder(status, Files.readAllLines(Path.of("/proc/locks")));
            if (pid.isEmpty())
                return "another process";
            Path process = Path.of("/proc", Long.toString(pid.getAsLong()));
            int uid = (Integer)Files.getAttribute(process, "unix:uid");
            return "process " + pid.getAsLong() + " (" + ProcessUser.describe(uid) + ")";
        }
        catch (IOException | RuntimeException unknown)
        {
            return "another process";
        }
    }

    /**
     * @return the pid holding a {@code FLOCK} on the file, from the lines of {@code /proc/locks}
     */
    static OptionalLong lockHolder(FileStatus file, List<String> procLocks)
    {
        long dev = file.device();
        long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
        long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        String id = String.format("%02x:%02x:%d", major, minor, file.inode());
        for (String line : procLocks)
        {
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"; waiters are marked "->" and hold nothing.
            String[] fields = line.trim().split("\\s+");
            if (fields.length >= 6 && fields[1].equals("FLOCK") && fields[5].equals(id))
            {
                try
                {
                    return OptionalLong.of(Long.parseLong(fields[4]));
                }
                catch (NumberFormatException unexpected)
                {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Records, in the lock file, that a takeover replaced the socket {@code replaced} with {@code published}: the
     * proof the replaced server asks for before it drains (see {@link TakeoverRecord}).
     */
    void recordTakeover(FileStatus replaced, FileStatus published) throws IOException
    {
        List<TakeoverRecord> records = new ArrayList<>(takeoverRecords());
        records.add(TakeoverRecord.of(replaced, published));
        StringBuilder text = new StringBuilder();
        for (TakeoverRecord record : records.subList(Math.max(0, records.size() - TakeoverRecord.KEPT), records.size()))
            text.append(record.text());
        Directory.writeWhole(descriptor, text.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * @return the takeovers this lock file records, oldest first
     */
    List<TakeoverRecord> takeoverRecords() throws IOException
    {
        return TakeoverRecord.parseAll(new String(Directory.readStart(descriptor, 128 * TakeoverRecord.KEPT), StandardCharsets.US_ASCII));
    }

    /**
     * Removes the lock file while holding it, for a server's last stop (the socket removed, no takeover to record).
     * Safe: whoever waits on the removed file finds, once it has the lock, that the name no longer leads to that
     * file, and locks the one there instead.
     */
    void removeLockFile()
    {
        try
        {
            FileStatus atName = directory.statusOf(lockName);
            if (atName != null && atName.sameFileAs(Directory.statusOfDescriptor(descriptor)))
                directory.unlink(lockName);
        }
        catch (IOException | RuntimeException left)
        {
            // Left in place: harmless, the next start uses it.
        }
    }

    @Override
    public void close() throws IOException
    {
        Directory.closeDescriptor(descriptor);
    }

    private static void closeQuietly(int descriptor)
    {
        try
        {
            Directory.closeDescriptor(descriptor);
        }
        catch (IOException ignored)
        {
            // the lock goes with the descriptor; nothing more to release
        }
    }
}
