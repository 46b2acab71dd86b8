package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.OptionalInt;
import java.util.regex.Pattern;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import io.github.unixhttp.core.internal.nativeedge.NativeCallException;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.connector.binding.BindProblem;

/**
 * Binds a listening Unix socket at a path so that the file has its final mode and group from the first instant
 * clients can reach it, never replaces anything that is not a dead socket, never races another starter, and never
 * lets another local user redirect a step.
 *
 * <p>How: the socket's directory is opened once, and checked ({@link DirectorySafety}): no one but root and the
 * server's user may rename entries in it or above it. Every later step goes through that descriptor, by name,
 * without following links. Under the {@link StartLock}, a socket already at the path is probed with
 * {@code connect(2)}: a live server is an error, a dead one is removed or not as the {@link StaleSocketPolicy} says.
 * The socket is then bound inside a fresh private directory (created, opened without following links, and checked
 * to be ours and 0700, so no one else can reach or replace anything in it), given its mode and group there, and
 * hard-linked to the target name. {@code link(2)} fails if the target exists, so nothing is ever clobbered; the
 * temporary name and directory are removed afterwards. The socket is bound through the private directory's
 * {@code /proc/self/fd} name, which is also short: the final path may use all 107 bytes.</p>
 *
 * <p>A takeover ({@link #bindToTakeOver}) differs in two steps: a live server at the path is replaced rather than
 * refused, if the kernel says it runs as this process's user; and the socket stays in its private directory until
 * the server has started, when {@link SocketPublication} swaps it into place under the lock.</p>
 */
public final class SocketFileBinder
{
    /** The JDK's channels refuse one byte less than the kernel allows, to bind as well as to connect. */
    public static final int JDK_MAX_PATH_BYTES = 106;

    private static final Logger LOG = LoggerFactory.getLogger(SocketFileBinder.class);
    private static final String PRIVATE_DIR_MARK = ".uh";
    private static final String PRIVATE_SOCKET_NAME = "s";
    private static final int PRIVATE_DIR_SUFFIX_LENGTH = 6;
    private static final String SUFFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SocketFileBinder()
    {
    }

    /**
     * Binds and listens as {@code spec} says.
     *
     * @throws SocketBindException with a message naming the problem and the fix, the file system left as it was
     */
    public static BoundSocketFile bind(SocketFileSpec spec) throws IOException
    {
        return bind(spec, false);
    }

    /**
     * Binds and listens as {@code spec} says, to take the path over from a live server of this process's user: the
     * new socket is bound in a private directory and stays there, out of clients' reach, until
     * {@link BoundSocketFile#publish()} puts it in the live server's place in one step; a server that fails to start
     * meanwhile never takes the path. Who listens is asked of the kernel ({@code SO_PEERCRED} on a probe
     * connection): a live server of another user is never taken over. With no live server at the path, binds and
     * links at once as {@link #bind} does (the socket is then published already).
     *
     * @throws SocketBindException as {@link #bind} does, with {@link BindProblem#OTHER_USERS_SERVER} for a live
     *         server of another user
     */
    public static BoundSocketFile bindToTakeOver(SocketFileSpec spec) throws IOException
    {
        return bind(spec, true);
    }

    private static BoundSocketFile bind(SocketFileSpec spec, boolean takeover) throws IOException
    {
        Path path = spec.path().toAbsolutePath().normalize();
        checkLength(path);
        Path parentPath = path.getParent();
        if (parentPath == null || path.getFileName() == null)
            throw new SocketBindException(path, "the path names no file. Give the socket a file name, e.g. /run/app/app.sock",
                BindProblem.INVALID_PATH);
        String name = path.getFileName().toString();
        OptionalInt gid = lookUpGroup(path, spec.group());
        Directory directory = openDirectory(path, parentPath);
        try
        {
            String risk = DirectorySafety.check(path, directory, spec.allowUnsafeDirectory());
            if (risk != null)
                LOG.warn("unix:{}: {}. Allowed by allowUnsafeDirectory(true) in the SocketFileOptions", path, risk);
            refuseWhatIsNotASocket(path, directory, name);
            try (StartLock lock = StartLock.acquire(directory, name, path, StartLock.START_WAIT))
            {
                removeLeftovers(directory, name);
                FileStatus live = takeover ? liveSocketOfThisUser(path, directory, name) : null;
                if (live != null)
                    return bindUnpublished(path, directory, name, spec, gid, live);
                FileStatus dead = clearTheWay(path, directory, name, spec.stalePolicy());
                BoundSocketFile bound = bindAndLink(path, directory, name, spec, gid);
                // A server that was taken over by the dead socket's server (which died) follows the records to this one.
                if (dead != null && dead.uid() == Directory.effectiveUid())
                    recordQuietly(lock, dead, bound.identity(), path);
                return bound;
            }
        }
        catch (IOException | RuntimeException | Error failure)
        {
            closeQuietly(directory);
            throw failure;
        }
    }

    private static void checkLength(Path path) throws SocketBindException
    {
        int bytes = Directory.fileNameBytes(path.toString()).length;
        if (bytes > UnixSocketAddress.MAX_PATH_BYTES)
            throw new SocketBindException(path, "the path is " + bytes + " bytes long, but a Unix socket path may have at most " +
                UnixSocketAddress.MAX_PATH_BYTES + " bytes here. Choose a shorter path, e.g. under $XDG_RUNTIME_DIR or /run", BindProblem.INVALID_PATH);
        if (bytes > JDK_MAX_PATH_BYTES)
            LOG.warn("unix:{} is {} bytes long: curl, nginx and C clients can connect, but Java's own Unix socket " +
                "channels cannot reach paths over {} bytes", path, bytes, JDK_MAX_PATH_BYTES);
    }

    private static OptionalInt lookUpGroup(Path path, String group) throws SocketBindException
    {
        if (group == null)
            return OptionalInt.empty();
        if (group.matches("[0-9]{1,9}"))
            return OptionalInt.of(Integer.parseInt(group));
        OptionalInt gid = NativeEdge.names().gidOf(group);
        if (gid.isEmpty())
            throw new SocketBindException(path, "the group '" + group + "' does not exist. Give an existing group name " +
                "(see /etc/group or getent group) or a numeric gid", BindProblem.GROUP);
        return gid;
    }

    private static Directory openDirectory(Path path, Path parent) throws IOException
    {
        try
        {
            return Directory.open(parent);
        }
        catch (NativeCallException failure)
        {
            String problem = switch (failure.errno())
            {
                case NativeCallException.ENOENT -> "the directory " + parent + " does not exist. Create it first " +
                    "(mkdir -p, or RuntimeDirectory= in a systemd unit), or choose a socket path in an existing directory";
                case NativeCallException.ENOTDIR -> parent + " is not a directory. Choose a socket path inside a directory";
                case NativeCallException.EACCES -> "this process (" + ProcessUser.describe() + ") may not open the " +
                    "directory " + parent + ". Run as a user who may, or choose another directory";
                default -> "cannot open the directory " + parent + ": " + failure.getMessage();
            };
            throw new SocketBindException(path, problem, BindProblem.INVALID_PATH, failure);
        }
    }

    /**
     * Refuses anything at the path that is not a socket. Called before taking the lock, so that refusals that need
     * no lock leave not even a lock file behind, and again under it, since the path may have changed meanwhile.
     *
     * @return what is at the path: a socket, or {@code null} for nothing
     */
    private static FileStatus refuseWhatIsNotASocket(Path path, Directory directory, String name) throws IOException
    {
        FileStatus existing = directory.statusOf(name);
        FileKind kind = FileKind.of(existing);
        if (kind != FileKind.ABSENT && kind != FileKind.SOCKET)
            throw new SocketBindException(path, kind.description() + " is already there (not a socket), and unixhttp never removes " +
                "anything but a dead socket. Move it away yourself, or choose another socket path", BindProblem.NOT_A_SOCKET);
        return existing;
    }

    /** @return the dead socket removed, or {@code null} if nothing was in the way */
    private static FileStatus clearTheWay(Path path, Directory directory, String name, StaleSocketPolicy policy) throws IOException
    {
        FileStatus existing = refuseWhatIsNotASocket(path, directory, name);
        if (existing == null)
            return null;
        if (isLive(path, directory, name))
            throw new SocketBindException(path, "the address is in use by a live server. Stop that server first, " +
                "or choose another socket path", BindProblem.IN_USE);
        if (policy == StaleSocketPolicy.FAIL)
            throw new SocketBindException(path, "a dead socket is in the way (nothing listens on it) and the stale-socket " +
                "policy is FAIL. Remove it yourself, or use the REMOVE policy", BindProblem.STALE_SOCKET);
        if (!existing.sameFileAs(directory.statusOf(name)))
            throw new SocketBindException(path, "the socket at the path was replaced while it was being probed. " +
                "Stop whatever else is starting on this path, then start again", BindProblem.IN_USE);
        LOG.info("Removing dead socket unix:{} (nothing listens on it)", path);
        directory.unlink(name);
        return existing;
    }

    private static void recordQuietly(StartLock lock, FileStatus replaced, FileStatus published, Path path)
    {
        try
        {
            lock.recordTakeover(replaced, published);
        }
        catch (IOException | RuntimeException unrecorded)
        {
            // Only a server taken over by the dead one's server would follow it; it goes on serving then, and says so.
            LOG.debug("Could not record the replacement of unix:{}'s dead socket: {}", path, unrecorded.toString());
        }
    }

    /**
     * @return whether a server listens behind the socket file; a refused connection means it is dead
     * @throws SocketBindException if the probe cannot tell, e.g. the socket is not ours to connect to
     */
    private static boolean isLive(Path path, Directory directory, String name) throws IOException
    {
        try
        {
            return probe(reachable(path, directory.pathOf(name)));
        }
        catch (IOException cannotTell)
        {
            throw new SocketBindException(path, "a socket is already there and probing it failed (" + cannotTell.getMessage() +
                "), so it may belong to a live server. If it is yours and dead, remove it yourself; " +
                "otherwise choose another socket path", BindProblem.IN_USE, cannotTell);
        }
    }

    /**
     * @return the status of the socket at the path if a server of this process's user listens on it; {@code null}
     *         if nothing is there or nothing listens (the stale-socket policy then applies)
     * @throws SocketBindException if another user's server listens there, or who listens cannot be told
     */
    private static FileStatus liveSocketOfThisUser(Path path, Directory directory, String name) throws IOException
    {
        FileStatus existing = refuseWhatIsNotASocket(path, directory, name);
        if (existing == null)
            return null;
        TakeoverProbe.Listener listener;
        try
        {
            listener = TakeoverProbe.probe(reachable(path, directory.pathOf(name)));
        }
        catch (IOException cannotTell)
        {
            throw new SocketBindException(path, "a socket is already there and probing who listens on it failed (" +
                cannotTell.getMessage() + "), so it cannot be taken over. Try again once that server accepts " +
                "connections, or stop it first", BindProblem.IN_USE, cannotTell);
        }
        if (listener == null)
            return null;
        if (!listener.sameUser())
            throw new SocketBindException(path, "a live server of another user, " + listener.describe() + ", listens " +
                "at the path, and a takeover only replaces a server of this process's own user (" + ProcessUser.describe() +
                "). Stop that server yourself, or choose another socket path", BindProblem.OTHER_USERS_SERVER);
        if (!existing.sameFileAs(directory.statusOf(name)))
            throw new SocketBindException(path, "the socket at the path was replaced while it was being probed. " +
                "Stop whatever else is starting on this path, then start again", BindProblem.IN_USE);
        LOG.info("unix:{}: taking the path over from {} once this server has started", path, listener.describe());
        return existing;
    }

    /**
     * @return whether something listens on the socket at {@code address}; {@code false} if the connection is refused
     */
    static boolean probe(Path address) throws IOException
    {
        // Opened outside the try: out of descriptors (EMFILE, also an untyped SocketException) is said as it is, not
        // taken for a busy server below.
        SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX);
        try (probe)
        {
            // Non-blocking, so that a live server with a full backlog cannot make the probe hang.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(address));
            return true;
        }
        catch (ConnectException refused)
        {
            return false;
        }
        catch (SocketException busy)
        {
            // The JDK's untyped SocketException is, for this connect, a full backlog (EAGAIN): a server listens, only
            // busily (or, rarely, the file vanished meanwhile: the start then says "in use", and a retry succeeds).
            // Its subclasses are typed failures of their own: let them through.
            if (busy.getClass() == SocketException.class)
                return true;
            throw busy;
        }
    }

    /**
     * @return the directory-descriptor name of a socket if the JDK can connect to it, else its path
     */
    private static Path reachable(Path path, Path throughDescriptor)
    {
        return Directory.fileNameBytes(throughDescriptor.toString()).length <= JDK_MAX_PATH_BYTES ? throughDescriptor : path;
    }

    /**
     * Removes private directories that earlier starts on this path left behind when they were killed: ours (same
     * owner, 0700, this socket's name pattern) and holding nothing but a dead socket. Under the start lock no other
     * start on this path is under way, so a private directory of this path's pattern cannot be in use.
     */
    private static void removeLeftovers(Directory directory, String name) throws IOException
    {
        Pattern pattern = leftoverPattern(name);
        int uid = Directory.effectiveUid();
        for (String entry : directory.list())
        {
            if (!pattern.matcher(entry).matches())
                continue;
            FileStatus status = directory.statusOf(entry);
            if (status == null || !status.isDirectory() || status.uid() != uid || status.permissions() != 0700)
                continue;
            try (Directory leftover = directory.openDirectory(entry))
            {
                if (!leftover.status().sameFileAs(status) || !holdsOnlyADeadSocket(leftover))
                    continue;
                if (leftover.statusOf(PRIVATE_SOCKET_NAME) != null)
                    leftover.unlink(PRIVATE_SOCKET_NAME);
                directory.removeDirectory(entry);
                LOG.info("Removed {}, left behind by an interrupted start", directory.path().resolve(entry));
            }
            catch (IOException skipped)
            {
                LOG.debug("Left {} in place: {}", directory.path().resolve(entry), skipped.toString());
            }
        }
    }

    private static boolean holdsOnlyADeadSocket(Directory leftover) throws IOException
    {
        var entries = leftover.list();
        if (entries.isEmpty())
            return true;
        if (entries.size() != 1 || !entries.get(0).equals(PRIVATE_SOCKET_NAME))
            return false;
        FileStatus socket = leftover.statusOf(PRIVATE_SOCKET_NAME);
        return socket != null && socket.isSocket() && !probe(leftover.pathOf(PRIVATE_SOCKET_NAME));
    }

    /** @return the name pattern of the private directories of starts on the socket {@code name} (both layers use it) */
    static Pattern leftoverPattern(String name)
    {
        return Pattern.compile(Pattern.quote(privateDirectoryPrefix(name)) + "[" + SUFFIX_ALPHABET + "]{" +
            PRIVATE_DIR_SUFFIX_LENGTH + "}");
    }

    /** @return a fresh private directory name for a start on the socket {@code name}: the prefix and a random suffix */
    static String privateDirectoryName(String name)
    {
        StringBuilder privateName = new StringBuilder(privateDirectoryPrefix(name));
        for (int i = 0; i < PRIVATE_DIR_SUFFIX_LENGTH; i++)
            privateName.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
        return privateName.toString();
    }

    static String privateDirectoryPrefix(String name)
    {
        return "." + name + PRIVATE_DIR_MARK;
    }

    private static BoundSocketFile bindAndLink(Path path, Directory directory, String name, SocketFileSpec spec, OptionalInt gid)
        throws IOException
    {
        String privateName = createPrivateDirectory(path, directory, name);
        ServerSocketChannel channel = null;
        try (Directory privateDir = openPrivateDirectory(path, directory, privateName))
        {
            try
            {
                channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                FileStatus identity = bindPrivately(path, privateDir, channel, spec, gid);
                link(path, privateDir, directory, name);
                return new BoundSocketFile(path, directory, channel, identity);
            }
            catch (IOException | RuntimeException | Error failure)
            {
                if (channel != null)
                    channel.close();
                throw failure;
            }
            finally
            {
                unlinkQuietly(privateDir, PRIVATE_SOCKET_NAME);
            }
        }
        finally
        {
            removePrivateDirectory(directory, privateName);
        }
    }

    /**
     * Binds the socket as the takeover's: in a private directory that stays until it is published (or discarded).
     *
     * @param replaced the live socket at the path, which publishing replaces
     */
    private static BoundSocketFile bindUnpublished(Path path, Directory directory, String name, SocketFileSpec spec,
                                                   OptionalInt gid, FileStatus replaced) throws IOException
    {
        String privateName = createPrivateDirectory(path, directory, name);
        Directory privateDir = null;
        ServerSocketChannel channel = null;
        try
        {
            privateDir = openPrivateDirectory(path, directory, privateName);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            FileStatus identity = bindPrivately(path, privateDir, channel, spec, gid);
            return new BoundSocketFile(path, directory, channel, identity,
                new SocketPublication(privateDir, privateName, PRIVATE_SOCKET_NAME, replaced));
        }
        catch (IOException | RuntimeException | Error failure)
        {
            if (channel != null)
                channel.close();
            if (privateDir != null)
            {
                unlinkQuietly(privateDir, PRIVATE_SOCKET_NAME);
                closeQuietly(privateDir);
            }
            removePrivateDirectory(directory, privateName);
            throw failure;
        }
    }

    /**
     * Binds {@code channel} as {@link #PRIVATE_SOCKET_NAME} in the private directory and gives the file its mode and
     * group, before anyone can reach it.
     *
     * @return the bound socket file's status, its identity from then on
     */
    private static FileStatus bindPrivately(Path path, Directory privateDir, ServerSocketChannel channel, SocketFileSpec spec,
                                            OptionalInt gid) throws IOException
    {
        channel.bind(UnixDomainSocketAddress.of(privateDir.pathOf(PRIVATE_SOCKET_NAME)), Math.max(0, spec.backlog()));
        FileStatus bound = privateDir.statusOf(PRIVATE_SOCKET_NAME);
        if (bound == null || !bound.isSocket() || bound.uid() != Directory.effectiveUid())
            throw new SocketBindException(path, "the socket just bound in " + privateDir + " is not there as bound: " +
                "someone is tampering with the directory. Use a directory only this server's user can write to",
                BindProblem.UNSAFE_DIRECTORY);
        if (spec.mode() != null)
            privateDir.changeMode(PRIVATE_SOCKET_NAME, spec.mode().bits());
        if (gid.isPresent())
            changeGroup(path, privateDir, gid.getAsInt(), spec.group());
        return privateDir.statusOf(PRIVATE_SOCKET_NAME);
    }

    private static String createPrivateDirectory(Path path, Directory directory, String name) throws IOException
    {
        while (true)
        {
            String privateName = privateDirectoryName(name);
            try
            {
                if (directory.makeDirectory(privateName, 0700))
                    return privateName;
                LOG.debug("Private directory {} exists, trying another name", privateName);
            }
            catch (NativeCallException failure)
            {
                if (failure.errno() == NativeCallException.EACCES || failure.errno() == NativeCallException.EPERM ||
                    failure.errno() == NativeCallException.EROFS)
                    throw new SocketBindException(path, "this process (" + ProcessUser.describe() + ") may not create " +
                        "files in " + directory.path() + " (" + DirectorySafety.describe(directory.status()) + "). Run as " +
                        "a user who may write there, or choose another directory", BindProblem.DIRECTORY_NOT_WRITABLE, failure);
                throw failure;
            }
        }
    }

    /**
     * Opens the private directory without following a link, and checks that it is the one we made: ours, 0700, empty.
     */
    private static Directory openPrivateDirectory(Path path, Directory directory, String privateName) throws IOException
    {
        Directory privateDir;
        try
        {
            privateDir = directory.openDirectory(privateName);
        }
        catch (NativeCallException replaced)
        {
            throw tampered(path, directory, replaced);
        }
        try
        {
            FileStatus status = privateDir.status();
            if (status.uid() != Directory.effectiveUid())
                throw tampered(path, directory, null);
            // The umask may have taken bits away; no one else can have added any.
            if (status.permissions() != 0700)
                privateDir.changeOwnMode(0700);
            if (!privateDir.list().isEmpty())
                throw tampered(path, directory, null);
            return privateDir;
        }
        catch (IOException | RuntimeException | Error failure)
        {
            closeQuietly(privateDir);
            throw failure;
        }
    }

    private static SocketBindException tampered(Path path, Directory directory, Throwable cause)
    {
        return new SocketBindException(path, "the private directory created in " + directory.path() + " was replaced " +
            "before the socket could be bound in it: another user is tampering with the directory. Use a directory only " +
            "this server's user can write to", BindProblem.UNSAFE_DIRECTORY, cause);
    }

    private static void changeGroup(Path path, Directory privateDir, int gid, String groupName) throws IOException
    {
        try
        {
            privateDir.changeGroup(PRIVATE_SOCKET_NAME, gid);
        }
        catch (NativeCallException denied)
        {
            throw new SocketBindException(path, "this process (" + ProcessUser.describe() + ") may not give the socket to " +
                "group '" + groupName + "' (" + denied.getMessage() + "): only members of a group may chown to it. Add the " +
                "user to the group (usermod -aG " + groupName + "), run as root, or leave the group unset", BindProblem.GROUP, denied);
        }
    }

    static void link(Path path, Directory privateDir, Directory directory, String name) throws IOException
    {
        try
        {
            privateDir.link(PRIVATE_SOCKET_NAME, directory, name);
        }
        catch (NativeCallException failure)
        {
            if (failure.errno() == NativeCallException.EEXIST)
                throw new SocketBindException(path, "another program created a file at the path while we were binding. " +
                    "Stop it, or choose another socket path", BindProblem.IN_USE, failure);
            throw new SocketBindException(path, "could not link the socket into place (" + failure.getMessage() +
                "). The directory's file system must support hard links; choose a directory on a local file system " +
                "such as /run or $XDG_RUNTIME_DIR", BindProblem.OTHER, failure);
        }
    }

    static void removePrivateDirectory(Directory directory, String privateName)
    {
        try
        {
            FileStatus status = directory.statusOf(privateName);
            if (status != null && status.isDirectory() && status.uid() == Directory.effectiveUid())
                directory.removeDirectory(privateName);
        }
        catch (IOException e)
        {
            LOG.warn("Could not remove temporary directory {}: {}", directory.path().resolve(privateName), e.toString());
        }
    }

    static void unlinkQuietly(Directory directory, String name)
    {
        try
        {
            if (directory.statusOf(name) != null)
                directory.unlink(name);
        }
        catch (IOException e)
        {
            LOG.warn("Could not remove temporary {}: {}", directory.path().resolve(name), e.toString());
        }
    }

    static void closeQuietly(Directory directory)
    {
        try
        {
            directory.close();
        }
        catch (IOException ignored)
        {
            // a descriptor we could not close; nothing more to do with it
        }
    }
}
