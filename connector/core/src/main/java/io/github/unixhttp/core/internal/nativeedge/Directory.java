package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.unixhttp.core.internal.platform.Platform;
import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;

/**
 * An open directory, and file operations relative to it that never follow a symbolic link in the last component
 * and never re-resolve the directory's own path: once opened, renaming the directory, or planting a link or
 * another directory at its old path, cannot redirect any operation made through it.
 *
 * <p>Names given to the methods are single path components (no {@code /}). Operations the C library has no
 * {@code *at} form for (binding a socket, {@code lstat}) go through {@link #pathOf(String)}, the directory's
 * {@code /proc/self/fd} name, which the kernel resolves to this very directory.</p>
 */
public final class Directory implements AutoCloseable
{
    /** Whether this file system has the JDK's "unix" attribute view (not on Windows). */
    private static final boolean UNIX_ATTRIBUTES = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

    private static final int O_RDONLY = OpenFlags.O_RDONLY.intValue();
    private static final int O_RDWR = OpenFlags.O_RDWR.intValue();
    private static final int O_CREAT = OpenFlags.O_CREAT.intValue();
    private static final int O_EXCL = OpenFlags.O_EXCL.intValue();
    private static final int O_NONBLOCK = OpenFlags.O_NONBLOCK.intValue();
    private static final int O_NOFOLLOW = OpenFlags.O_NOFOLLOW.intValue();
    private static final int O_DIRECTORY = OpenFlags.O_DIRECTORY.intValue();
    private static final int O_CLOEXEC = OpenFlags.O_CLOEXEC.intValue();
    /** Not in jnr-constants: {@code 010000000} on the architectures {@link JdkAbstractNameSocket} knows. */
    private static final int O_PATH = 010000000;

    private final int fd;
    private final Path path;
    private volatile boolean closed;

    private Directory(int fd, Path path)
    {
        this.fd = fd;
        this.path = path;
    }

    /**
     * Opens a directory by its path (following links in it: the caller chose it).
     *
     * @throws NativeCallException if it cannot be opened, e.g. {@code ENOTDIR} or {@code ENOENT}
     * @throws IOException if native calls are unavailable
     */
    public static Directory open(Path path) throws IOException
    {
        LibC libc = libc();
        int fd = libc.open(bytes(path.toString()), O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
        if (fd < 0)
            throw failure("open(" + path + ")");
        return new Directory(fd, path);
    }

    /**
     * @return the path this directory was opened by (it may since have been renamed)
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the path the kernel resolves to this very directory, whatever its name now, e.g. to bind a socket in it
     */
    public Path pathOf(String name)
    {
        return Path.of("/proc/self/fd/" + fd, name);
    }

    /**
     * @return the directory's own status ({@code fstat})
     */
    public FileStatus status() throws IOException
    {
        return statusOfDescriptor(fd);
    }

    /**
     * @return the status of the entry {@code name}, not following a link ({@code lstat}); {@code null} if absent
     */
    public FileStatus statusOf(String name) throws IOException
    {
        try
        {
            return statusOf(pathOf(name), false);
        }
        catch (NoSuchFileException absent)
        {
            return null;
        }
    }

    /**
     * @return the names in this directory
     */
    public List<String> list() throws IOException
    {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd/" + fd)))
        {
            List<String> names = new ArrayList<>();
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
            return names;
        }
    }

    /**
     * Creates the directory {@code name} with {@code mode} (less the umask).
     *
     * @return whether it was created; {@code false} if something already has that name
     */
    public boolean makeDirectory(String name, int mode) throws IOException
    {
        if (libc().mkdirat(fd, bytes(name), mode) == 0)
            return true;
        int errno = errno();
        if (errno == NativeCallException.EEXIST)
            return false;
        throw failure("mkdirat(" + name + ")", errno);
    }

    /**
     * Opens the subdirectory {@code name}, refusing a link ({@code ELOOP}) or anything not a directory ({@code ENOTDIR}).
     */
    public Directory openDirectory(String name) throws IOException
    {
        int child = libc().openat(fd, bytes(name), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
        if (child < 0)
            throw failure("openat(" + name + ")");
        return new Directory(child, path.resolve(name));
    }

    /**
     * Opens {@code name} for reading and writing without following a link and without blocking (a FIFO cannot make
     * it hang), creating it with {@code mode} if absent.
     *
     * @return the open descriptor, to be given back through {@link #closeDescriptor(int)}
     */
    public int openOrCreateFile(String name, int mode) throws IOException
    {
        LibC libc = libc();
        byte[] bytes = bytes(name);
        while (true)
        {
            int file = libc.openat(fd, bytes, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
            if (file >= 0)
                return file;
            int errno = errno();
            if (errno != NativeCallException.ENOENT)
                throw failure("openat(" + name + ")", errno);
            file = libc.openat(fd, bytes, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);
            if (file >= 0)
                return file;
            errno = errno();
            if (errno != NativeCallException.EEXIST)
                throw failure("openat(" + name + ", O_CREAT)", errno);
            // Someone created it between the two calls: open what is there now.
        }
    }

    /**
     * @return the status of the file at {@code path}, following links ({@code stat})
     */
    public static FileStatus statusOfPath(Path path) throws IOException
    {
        return statusOf(path, true);
    }

    /**
     * @return the status of the file at {@code path}, not following a link at its last component ({@code lstat})
     */
    public static FileStatus linkStatusOfPath(Path path) throws IOException
    {
        return statusOf(path, false);
    }

    /**
     * @return the status of an open descriptor ({@code fstat})
     */
    public static FileStatus statusOfDescriptor(int descriptor) throws IOException
    {
        return statusOf(Path.of("/proc/self/fd/" + descriptor), true);
    }

    /**
     * Opens {@code path} as a reference only ({@code O_PATH}: nothing is read, a FIFO cannot block, a socket is not
     * connected), so that its status and a later {@code connect(2)} through {@code /proc/self/fd/N} concern this very
     * file, whatever is renamed or linked meanwhile. Without {@code follow}, a link at the last component is opened
     * itself ({@code O_NOFOLLOW}), for the caller to see and refuse.
     *
     * @return the descriptor, to be given back through {@link #closeDescriptor(int)}; -1 where this cannot be done
     *         here (no C library, no {@code /proc}, an architecture whose {@code O_PATH} is not known here)
     * @throws NoSuchFileException if nothing is at {@code path}
     * @throws NativeCallException if the open fails otherwise
     */
    public static int openReference(Path path, boolean follow) throws IOException
    {
        if (!Platform.current().isLinux())
            return -1;
        LibC libc = NativeEdge.libc();
        if (libc == null || !JdkAbstractNameSocket.knowsArchitecture(System.getProperty("os.arch"))
            || !Files.isDirectory(Path.of("/proc/self/fd")))
            return -1;
        int flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW);
        int fd = libc.open(bytes(path.toString()), flags, 0);
        if (fd >= 0)
            return fd;
        int errno = errno();
        if (errno == NativeCallException.ENOENT)
            throw new NoSuchFileException(path.toString());
        throw failure("open(" + path + ", O_PATH)", errno);
    }

    /**
     * Replaces the whole content of an open regular file with {@code content}.
     */
    public static void writeWhole(int descriptor, byte[] content) throws IOException
    {
        LibC libc = libc();
        if (libc.ftruncate(descriptor, 0) != 0)
            throw failure("ftruncate");
        if (libc.pwrite(descriptor, content, content.length, 0) != content.length)
            throw failure("pwrite");
    }

    /**
     * @return the first {@code max} bytes of an open regular file
     */
    public static byte[] readStart(int descriptor, int max) throws IOException
    {
        byte[] buffer = new byte[max];
        long read = libc().pread(descriptor, buffer, max, 0);
        if (read < 0)
            throw failure("pread");
        return java.util.Arrays.copyOf(buffer, (int)read);
    }

    /**
     * Takes an exclusive {@code flock(2)} on an open descriptor without waiting.
     *
     * @return whether the lock was taken; {@code false} if another open file holds it
     */
    public static boolean tryLock(int descriptor) throws IOException
    {
        if (libc().flock(descriptor, LibC.LOCK_EX | LibC.LOCK_NB) == 0)
            return true;
        int errno = errno();
        if (errno == NativeCallException.EAGAIN || errno == NativeCallException.EINTR)
            return false;
        throw failure("flock", errno);
    }

    /**
     * Closes a descriptor from {@link #openOrCreateFile}, which releases its lock.
     */
    public static void closeDescriptor(int descriptor) throws IOException
    {
        if (libc().close(descriptor) != 0)
            throw failure("close(" + descriptor + ")");
    }

    /** Sets the permission bits of {@code name}; only safe in a directory no one else may write to. */
    public void changeMode(String name, int mode) throws IOException
    {
        if (libc().fchmodat(fd, bytes(name), mode, 0) != 0)
            throw failure("fchmodat(" + name + ")");
    }

    /** Sets the permission bits of this directory itself. */
    public void changeOwnMode(int mode) throws IOException
    {
        if (libc().fchmod(fd, mode) != 0)
            throw failure("fchmod(" + path + ")");
    }

    /** Gives {@code name} to a group, not following a link. */
    public void changeGroup(String name, int gid) throws IOException
    {
        if (libc().fchownat(fd, bytes(name), -1, gid, LibC.AT_SYMLINK_NOFOLLOW) != 0)
            throw failure("fchownat(" + name + ")");
    }

    /**
     * Makes {@code targetName} in {@code target} a hard link to {@code name} here; fails with {@code EEXIST} rather
     * than replace anything, and links a symbolic link itself rather than what it points to.
     */
    public void link(String name, Directory target, String targetName) throws IOException
    {
        if (libc().linkat(fd, bytes(name), target.fd, bytes(targetName), 0) != 0)
            throw failure("linkat(" + name + ", " + targetName + ")");
    }

    /**
     * Swaps the entry {@code name} here and {@code targetName} in {@code target} in one step
     * ({@code renameat2(2)} with {@code RENAME_EXCHANGE}): unlike a rename, what was at the target is not gone but
     * under {@code name} here, where the caller can check it was what it expected, and swap back if not.
     *
     * @return whether they were swapped; {@code false} if the kernel, the file system or the C library cannot swap
     *         ({@code EINVAL}, {@code ENOSYS}, no {@code renameat2}), so that the caller can refuse rather than replace unchecked
     * @throws NativeCallException for any other failure, e.g. {@code ENOENT} if either is missing
     */
    public boolean exchange(String name, Directory target, String targetName) throws IOException
    {
        int result;
        try
        {
            result = libc().renameat2(fd, bytes(name), target.fd, bytes(targetName), LibC.RENAME_EXCHANGE);
        }
        catch (UnsatisfiedLinkError noRenameat2)
        {
            return false;
        }
        if (result == 0)
            return true;
        int errno = errno();
        if (errno == NativeCallException.EINVAL || errno == NativeCallException.ENOSYS)
            return false;
        throw failure("renameat2(" + name + ", " + targetName + ", RENAME_EXCHANGE)", errno);
    }

    /** Removes the entry {@code name} (not a directory). */
    public void unlink(String name) throws IOException
    {
        if (libc().unlinkat(fd, bytes(name), 0) != 0)
            throw failure("unlinkat(" + name + ")");
    }

    /** Removes the empty directory {@code name}. */
    public void removeDirectory(String name) throws IOException
    {
        if (libc().unlinkat(fd, bytes(name), LibC.AT_REMOVEDIR) != 0)
            throw failure("unlinkat(" + name + ", AT_REMOVEDIR)");
    }

    /**
     * @return this process's effective uid
     */
    public static int effectiveUid() throws IOException
    {
        if (!Platform.current().isLinux())
            return NativeEdge.effectiveUid();
        return libc().geteuid();
    }

    /**
     * @return this process's effective gid
     */
    public static int effectiveGid() throws IOException
    {
        if (!Platform.current().isLinux())
            return NativeEdge.effectiveGid();
        return libc().getegid();
    }

    /**
     * @return the bytes of a path as the file system sees them: in the JVM's file name encoding
     */
    public static byte[] fileNameBytes(String name)
    {
        return name.getBytes(FileNameEncoding.CHARSET);
    }

    @Override
    public void close() throws IOException
    {
        if (closed)
            return;
        closed = true;
        closeDescriptor(fd);
    }

    @Override
    public String toString()
    {
        return path.toString();
    }

    private static FileStatus statusOf(Path path, boolean follow) throws IOException
    {
        LinkOption[] options = follow ? new LinkOption[0] : new LinkOption[]{LinkOption.NOFOLLOW_LINKS};
        if (!UNIX_ATTRIBUTES)
            return statusWithoutUnixAttributes(path, options);
        Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid,dev,ino", options);
        int mode = (Integer)attributes.get("mode");
        return new FileStatus(mode & FileStatus.S_IFMT, mode & 07777, (Integer)attributes.get("uid"),
            (Integer)attributes.get("gid"), (Long)attributes.get("dev"), (Long)attributes.get("ino"));
    }

    /**
     * Where the file system has no Unix attributes (Windows): the type as far as the JDK tells it (a Unix socket file is
     * a reparse point of its own kind, which the JDK calls "other"), no owner, no permissions and no identity: checks of
     * an owner then refuse, and no two statuses are ever the same file (see {@link FileStatus#sameFileAs}).
     */
    private static FileStatus statusWithoutUnixAttributes(Path path, LinkOption[] options) throws IOException
    {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, options);
        int type = attributes.isDirectory() ? FileStatus.S_IFDIR : attributes.isSymbolicLink() ? FileStatus.S_IFLNK
            : attributes.isRegularFile() ? FileStatus.S_IFREG : FileStatus.S_IFSOCK;
        return new FileStatus(type, 0, -1, -1, -1, -1);
    }

    private static byte[] bytes(String name)
    {
        byte[] encoded = fileNameBytes(name);
        byte[] terminated = new byte[encoded.length + 1];
        System.arraycopy(encoded, 0, terminated, 0, encoded.length);
        return terminated;
    }

    private static LibC libc() throws IOException
    {
        LibC libc = NativeEdge.libc();
        if (libc == null)
            throw new IOException("file operations through directory descriptors need native calls, and jnr-ffi " +
                "could not load the C library here");
        return libc;
    }

    private static int errno() throws IOException
    {
        return LastError.getLastError(Runtime.getRuntime(libc()));
    }

    private static NativeCallException failure(String call) throws IOException
    {
        return failure(call, errno());
    }

    static NativeCallException failure(String call, int errno)
    {
        Errno known = Errno.valueOf(errno);
        String description = known == null || known == Errno.__UNKNOWN_CONSTANT__ ? "error" : known.description();
        return new NativeCallException(call, errno, description);
    }
}
