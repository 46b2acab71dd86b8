package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.unixhttp.connector.binding.BindProblem;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.connector.binding.StaleSocketPolicy;
import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import io.github.unixhttp.core.internal.platform.Platform;
import io.github.unixhttp.core.internal.portable.PrincipalIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The portable layer's {@link SocketFileBinder}: the same promises on JDK APIs alone, by path rather than through
 * directory descriptors. The socket is bound in a fresh private directory next to the target (created 0700 where the
 * file system has POSIX permissions, and checked to be ours), given its mode and group there, and hard-linked to the
 * target name (which fails if anything is there: nothing is clobbered). Before that, under the start lock, a socket
 * already at the path is probed: a live server is refused, a dead one removed only if it is this user's and the
 * policy allows. What it cannot do that the Linux layer does: each step names the path again (no descriptor pins the
 * directory), so it relies on the directory check more (a directory only root and this user can write to, the default
 * refuses others); a takeover is not offered.
 */
public final class PortableSocketFileBinder
{
    private static final Logger LOG = LoggerFactory.getLogger(PortableSocketFileBinder.class);
    /** macOS and the BSDs have 104 bytes of {@code sun_path}, one of them for the terminating NUL. */
    private static final int BSD_MAX_PATH_BYTES = 103;
    private static final String PRIVATE_SOCKET_NAME = "s";

    private PortableSocketFileBinder()
    {
    }

    /**
     * Binds and listens as {@code spec} says.
     *
     * @throws SocketBindException with a message naming the problem and the fix, the file system left as it was
     */
    public static PortableSocketFile bind(SocketFileSpec spec) throws IOException
    {
        Platform platform = Platform.current();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");
        Path path = spec.path().toAbsolutePath().normalize();
        checkLength(path, maxPathBytes(platform));
        Path parent = path.getParent();
        if (parent == null || path.getFileName() == null)
            throw new SocketBindException(path, "the path names no file. Give the socket a file name, e.g. /run/app/app.sock",
                BindProblem.INVALID_PATH);
        if (!posix && (spec.mode() != null || spec.group() != null))
            throw new SocketBindException(path, "a socket file on " + platform.os() + " has no POSIX mode or group: who may " +
                "connect is decided by the access control list of its directory. Set no mode or group, and put the socket " +
                "in a directory only this user can open (e.g. under %LOCALAPPDATA%)", BindProblem.OTHER);
        GroupPrincipal group = lookUpGroup(path, spec.group());
        requireDirectory(path, parent);
        if (posix)
        {
            String risk = DirectorySafety.checkByPath(path, parent, spec.allowUnsafeDirectory());
            if (risk != null)
                LOG.warn("unix:{}: {}. Allowed by allowUnsafeDirectory(true) in the SocketFileOptions", path, risk);
        }
        refuseWhatIsNotASocket(path, posix);
        try (PortableStartLock lock = PortableStartLock.acquire(path, posix))
        {
            if (posix)
                removeLeftovers(parent, path.getFileName().toString());
            clearTheWay(path, posix, spec.stalePolicy());
            return bindAndLink(path, parent, spec, group, posix);
        }
    }

    static int maxPathBytes(Platform platform)
    {
        return platform.os().startsWith("Linux") || platform.isWindows() ? SocketFileBinder.JDK_MAX_PATH_BYTES : BSD_MAX_PATH_BYTES;
    }

    private static void checkLength(Path path, int max) throws SocketBindException
    {
        int bytes = Directory.fileNameBytes(path.toString()).length;
        if (bytes > max)
            throw new SocketBindException(path, "the path is " + bytes + " bytes long, but a Unix socket path may have at most " +
                max + " bytes here. Choose a shorter path, e.g. under $XDG_RUNTIME_DIR or /run (on macOS, $TMPDIR is long: " +
                "try /tmp/<app>)", BindProblem.INVALID_PATH);
    }

    private static GroupPrincipal lookUpGroup(Path path, String group) throws SocketBindException
    {
        if (group == null)
            return null;
        GroupPrincipal principal = PrincipalIds.group(group);
        if (principal == null)
            throw new SocketBindException(path, "the group '" + group + "' does not exist. Give an existing group name " +
                "or a numeric gid", BindProblem.GROUP);
        return principal;
    }

    private static void requireDirectory(Path path, Path parent) throws SocketBindException
    {
        if (!Files.exists(parent))
            throw new SocketBindException(path, "the directory " + parent + " does not exist. Create it first, or choose a " +
                "socket path in an existing directory", BindProblem.INVALID_PATH);
        if (!Files.isDirectory(parent))
            throw new SocketBindException(path, parent + " is not a directory. Choose a socket path inside a directory",
                BindProblem.INVALID_PATH);
    }

    /** @return what is at the path, not following a link; {@link FileKind#OTHER} for Windows' reparse points */
    static FileKind kindAt(Path path, boolean posix) throws IOException
    {
        try
        {
            if (posix)
                return FileKind.of(Directory.linkStatusOfPath(path));
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isDirectory())
                return FileKind.DIRECTORY;
            if (attributes.isSymbolicLink())
                return FileKind.SYMBOLIC_LINK;
            if (attributes.isRegularFile())
                return FileKind.REGULAR_FILE;
            // Windows shows a Unix socket file as a reparse point of its own kind: "other" is the most it says.
            return FileKind.SOCKET;
        }
        catch (NoSuchFileException absent)
        {
            return FileKind.ABSENT;
        }
    }

    private static FileKind refuseWhatIsNotASocket(Path path, boolean posix) throws IOException
    {
        FileKind kind = kindAt(path, posix);
        if (kind != FileKind.ABSENT && kind != FileKind.SOCKET)
            throw new SocketBindException(path, kind.description() + " is already there (not a socket), and unixhttp never removes " +
                "anything but a dead socket. Move it away yourself, or choose another socket path", BindProblem.NOT_A_SOCKET);
        return kind;
    }

    /**
     * Removes private directories that starts on this path left behind when they were killed, as the Linux layer does:
     * this user's, 0700, of this socket's name pattern, holding nothing but a dead socket. Under the start lock no
     * other start on this path is under way.
     */
    private static void removeLeftovers(Path parent, String name) throws IOException
    {
        Pattern pattern = SocketFileBinder.leftoverPattern(name);
        int uid = Directory.effectiveUid();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, entry -> pattern.matcher(entry.getFileName().toString()).matches()))
        {
            for (Path leftover : entries)
            {
                try
                {
                    FileStatus status = Directory.linkStatusOfPath(leftover);
                    if (!status.isDirectory() || status.uid() != uid || status.permissions() != 0700)
                        continue;
                    Path socket = leftover.resolve(PRIVATE_SOCKET_NAME);
                    List<Path> inside;
                    try (var listing = Files.list(leftover))
                    {
                        inside = listing.collect(Collectors.toList());
                    }
                    boolean onlyADeadSocket = inside.isEmpty() || inside.equals(List.of(socket))
                        && kindAt(socket, true) == FileKind.SOCKET && !isLive(socket);
                    if (!onlyADeadSocket)
                        continue;
                    Files.deleteIfExists(socket);
                    Files.delete(leftover);
                    LOG.info("Removed {}, left behind by an interrupted start", leftover);
                }
                catch (IOException skipped)
                {
                    LOG.debug("Left {} in place: {}", leftover, skipped.toString());
                }
            }
        }
    }

    private static void clearTheWay(Path path, boolean posix, StaleSocketPolicy policy) throws IOException
    {
        if (refuseWhatIsNotASocket(path, posix) == FileKind.ABSENT)
            return;
        Object identity = PortableSocketFile.identityAt(path);
        if (isLive(path))
            throw new SocketBindException(path, "the address is in use by a live server. Stop that server first, " +
                "or choose another socket path", BindProblem.IN_USE);
        if (policy == StaleSocketPolicy.FAIL)
            throw new SocketBindException(path, "a dead socket is in the way (nothing listens on it) and the stale-socket " +
                "policy is FAIL. Remove it yourself, or use the REMOVE policy", BindProblem.STALE_SOCKET);
        if (!PortableSocketFile.isOwnedByThisUser(path))
            throw new SocketBindException(path, "a dead socket of another user is in the way, and unixhttp removes only its " +
                "own user's. Have its owner (or root) remove it, or choose another socket path", BindProblem.STALE_SOCKET);
        if (identity == null || !identity.equals(PortableSocketFile.identityAt(path)))
            throw new SocketBindException(path, "the socket at the path was replaced while it was being probed (or this " +
                "system cannot tell one file from another). Stop whatever else is starting on this path, or remove the " +
                "dead socket yourself, then start again", BindProblem.IN_USE);
        LOG.info("Removing dead socket unix:{} (nothing listens on it)", path);
        Files.deleteIfExists(path);
    }

    /** The Linux layer's probe by path, its typed failures said as a bind problem. */
    private static boolean isLive(Path path) throws IOException
    {
        try
        {
            return SocketFileBinder.probe(path);
        }
        catch (SocketException cannotTell)
        {
            throw new SocketBindException(path, "a socket is already there and probing it failed (" + cannotTell.getMessage() +
                "), so it may belong to a live server. If it is yours and dead, remove it yourself; otherwise choose " +
                "another socket path", BindProblem.IN_USE, cannotTell);
        }
    }

    private static PortableSocketFile bindAndLink(Path path, Path parent, SocketFileSpec spec, GroupPrincipal group,
                                                  boolean posix) throws IOException
    {
        Path privateDir = createPrivateDirectory(path, parent, posix);
        Path bound = privateDir.resolve(PRIVATE_SOCKET_NAME);
        ServerSocketChannel channel = null;
        try
        {
            if (Directory.fileNameBytes(bound.toString()).length > maxPathBytes(Platform.current()))
                throw new SocketBindException(path, "the socket is first bound in a private directory next to it (" + bound +
                    "), and that path is too long here. Choose a socket path in a directory with a shorter path",
                    BindProblem.INVALID_PATH);
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(bound), Math.max(spec.backlog(), 0));
            if (posix && spec.mode() != null)
                Files.setPosixFilePermissions(bound, spec.mode().toPermissions());
            if (group != null)
                changeGroup(path, bound, group, spec.group());
            Object identity = PortableSocketFile.identityAt(bound);
            publish(path, bound);
            return new PortableSocketFile(channel, path, identity);
        }
        catch (IOException | RuntimeException | Error failure)
        {
            if (channel != null)
                channel.close();
            throw failure;
        }
        finally
        {
            deleteQuietly(bound);
            deleteQuietly(privateDir);
        }
    }

    private static Path createPrivateDirectory(Path path, Path parent, boolean posix) throws IOException
    {
        for (int attempt = 0; ; attempt++)
        {
            // Named as the Linux layer names them, so that either layer's next start recognizes leftovers.
            Path privateDir = parent.resolve(SocketFileBinder.privateDirectoryName(path.getFileName().toString()));
            try
            {
                // Created with 0700 at once (a umask can only take bits away), so no one else can enter it even briefly.
                if (posix)
                    Files.createDirectory(privateDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                else
                    Files.createDirectory(privateDir);
            }
            catch (FileAlreadyExistsException taken)
            {
                if (attempt < 10)
                    continue;
                throw new SocketBindException(path, "could not create a private directory in " + parent + ": every name tried " +
                    "was taken", BindProblem.OTHER, taken);
            }
            catch (java.nio.file.AccessDeniedException denied)
            {
                throw new SocketBindException(path, "this process (" + ProcessUser.describe() + ") may not create files in " +
                    parent + ". Run as a user who may, or choose another directory", BindProblem.DIRECTORY_NOT_WRITABLE, denied);
            }
            if (posix)
            {
                FileStatus status = Directory.linkStatusOfPath(privateDir);
                if (!status.isDirectory() || status.uid() != Directory.effectiveUid() || (status.permissions() & 077) != 0)
                {
                    deleteQuietly(privateDir);
                    throw new SocketBindException(path, "the private directory " + privateDir + " is not this user's own " +
                        "0700 directory after it was created: someone is tampering with " + parent, BindProblem.UNSAFE_DIRECTORY);
                }
            }
            return privateDir;
        }
    }

    private static void changeGroup(Path path, Path bound, GroupPrincipal group, String groupName) throws IOException
    {
        try
        {
            Files.getFileAttributeView(bound, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(group);
        }
        catch (IOException refused)
        {
            throw new SocketBindException(path, "this process (" + ProcessUser.describe() + ") may not give the socket to " +
                "group '" + groupName + "' (" + refused.getMessage() + "): only members of a group may chown to it. Add the " +
                "user to the group (usermod -aG " + groupName + "), run as root, or leave the group unset", BindProblem.GROUP, refused);
        }
    }

    /** A hard link fails if anything is at the target: nothing is clobbered, and clients never see the socket unfinished. */
    private static void publish(Path path, Path bound) throws IOException
    {
        try
        {
            Files.createLink(path, bound);
        }
        catch (FileAlreadyExistsException raced)
        {
            throw new SocketBindException(path, "something appeared at the path while the socket was being prepared (a " +
                "starter that does not take the lock?). Stop whatever else is starting on this path, then start again",
                BindProblem.IN_USE, raced);
        }
        catch (UnsupportedOperationException noHardLinks)
        {
            // A file system without hard links: a rename that refuses an existing target (Windows' MoveFileEx without
            // REPLACE_EXISTING) is the next best, as atomic; on POSIX the JDK's rename would replace, so refuse there.
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("unix"))
                throw new SocketBindException(path, "this file system cannot hard-link the socket into place, and a rename " +
                    "could replace a file: choose a socket path on another file system", BindProblem.OTHER, noHardLinks);
            Files.move(bound, path);
        }
    }

    private static void deleteQuietly(Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (IOException | RuntimeException leftover)
        {
            LOG.debug("Could not remove {}: {}", path, leftover.toString());
        }
    }
}
