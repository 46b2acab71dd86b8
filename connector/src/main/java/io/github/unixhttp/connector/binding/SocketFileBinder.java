package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a listening Unix socket at a path so that the file has its final mode and group from the first instant
 * clients can reach it, never replaces anything that is not a dead socket, and never races another starter.
 *
 * <p>How: the socket is bound inside a fresh 0700 directory next to the target (so no one else can reach it
 * there), given its mode and group, then hard-linked to the target. {@code link(2)} fails if the target exists,
 * so nothing is ever clobbered; the temporary name and directory are removed afterwards. A socket already at
 * the path is probed with {@code connect(2)}: a live server is an error, a dead one is removed or not as the
 * {@link StaleSocketPolicy} says. Those steps run under a {@link StartLock}.</p>
 */
public final class SocketFileBinder
{
    /** Linux {@code sun_path} holds 108 bytes including the terminating NUL. */
    public static final int MAX_PATH_BYTES = 107;
    /** The JDK's channels refuse one byte less than the kernel allows, to bind as well as to connect. */
    public static final int JDK_MAX_PATH_BYTES = 106;

    private static final Logger LOG = LoggerFactory.getLogger(SocketFileBinder.class);
    private static final String PRIVATE_DIR_PREFIX = ".uh";
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
        Path path = spec.path().toAbsolutePath().normalize();
        checkLength(path, path, MAX_PATH_BYTES, "");
        Path parent = checkParentDirectory(path);
        checkLength(path, privateSocketPath(parent, "x".repeat(PRIVATE_DIR_SUFFIX_LENGTH)), JDK_MAX_PATH_BYTES,
            " once bound under its private temporary name (" + (PRIVATE_DIR_PREFIX.length() + PRIVATE_DIR_SUFFIX_LENGTH + 3) +
            " bytes more than the directory)");
        if (byteLength(path) > JDK_MAX_PATH_BYTES)
            LOG.warn("unix:{} is {} bytes long: curl, nginx and C clients can connect, but Java's own Unix socket " +
                "channels cannot reach paths over {} bytes", path, byteLength(path), JDK_MAX_PATH_BYTES);
        GroupPrincipal group = lookUpGroup(path, spec.group());
        refuseWhatIsNotASocket(path);

        try (StartLock ignored = StartLock.acquire(path))
        {
            clearTheWay(path, spec.stalePolicy());
            return bindAndLink(path, parent, spec, group);
        }
    }

    private static void checkLength(Path target, Path bound, int limit, String when) throws SocketBindException
    {
        int bytes = byteLength(bound);
        if (bytes > limit)
            throw new SocketBindException(target, "the path is " + bytes + " bytes long" + when + ", but a Unix socket path may have at most " +
                limit + " bytes here. Choose a shorter path, e.g. under $XDG_RUNTIME_DIR or /run");
    }

    private static int byteLength(Path path)
    {
        return path.toString().getBytes(fileNameCharset()).length;
    }

    private static Charset fileNameCharset()
    {
        String encoding = System.getProperty("sun.jnu.encoding");
        return encoding != null && Charset.isSupported(encoding) ? Charset.forName(encoding) : Charset.defaultCharset();
    }

    private static Path checkParentDirectory(Path path) throws SocketBindException
    {
        Path parent = path.getParent();
        if (parent == null)
            throw new SocketBindException(path, "the path names no file. Give the socket a file name, e.g. /run/app/app.sock");
        if (!Files.exists(parent))
            throw new SocketBindException(path, "the directory " + parent + " does not exist. Create it first " +
                "(mkdir -p, or RuntimeDirectory= in a systemd unit), or choose a socket path in an existing directory");
        if (!Files.isDirectory(parent))
            throw new SocketBindException(path, parent + " is not a directory. Choose a socket path inside a directory");
        return parent;
    }

    private static Path privateSocketPath(Path parent, String suffix)
    {
        return parent.resolve(PRIVATE_DIR_PREFIX + suffix).resolve(PRIVATE_SOCKET_NAME);
    }

    private static GroupPrincipal lookUpGroup(Path path, String group) throws IOException
    {
        if (group == null)
            return null;
        try
        {
            return path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
        }
        catch (UserPrincipalNotFoundException unknown)
        {
            throw new SocketBindException(path, "the group '" + group + "' does not exist. Give an existing group name " +
                "(see /etc/group or getent group) or a numeric gid", unknown);
        }
    }

    /** Before taking the lock: refusals that need no lock leave not even a lock file behind. */
    private static void refuseWhatIsNotASocket(Path path) throws IOException
    {
        FileKind existing = FileKind.of(path);
        if (existing != FileKind.ABSENT && existing != FileKind.SOCKET)
            throw new SocketBindException(path, existing.description() + " is already there, and unixhttp never removes " +
                "anything but a dead socket. Move it away yourself, or choose another socket path");
    }

    private static void clearTheWay(Path path, StaleSocketPolicy policy) throws IOException
    {
        // Again under the lock: the path may have changed since the first look.
        refuseWhatIsNotASocket(path);
        if (FileKind.of(path) == FileKind.ABSENT)
            return;
        if (isLive(path))
            throw new SocketBindException(path, "the address is in use by a live server. Stop that server first, " +
                "or choose another socket path");
        if (policy == StaleSocketPolicy.FAIL)
            throw new SocketBindException(path, "a dead socket is in the way (nothing listens on it) and the stale-socket " +
                "policy is FAIL. Remove it yourself, or use the REMOVE policy");
        LOG.info("Removing dead socket unix:{} (nothing listens on it)", path);
        Files.delete(path);
    }

    /**
     * @return whether a server listens behind the socket file; a refused connection means it is dead
     * @throws SocketBindException if the probe cannot tell, e.g. the socket is not ours to connect to
     */
    private static boolean isLive(Path path) throws IOException
    {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            // Non-blocking, so that a live server with a full backlog cannot make the probe hang.
            probe.configureBlocking(false);
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        }
        catch (ConnectException refused)
        {
            return false;
        }
        catch (IOException cannotTell)
        {
            throw new SocketBindException(path, "a socket is already there and probing it failed (" + cannotTell.getMessage() +
                "), so it may belong to a live server. If it is yours and dead, remove it yourself; " +
                "otherwise choose another socket path", cannotTell);
        }
    }

    private static BoundSocketFile bindAndLink(Path path, Path parent, SocketFileSpec spec, GroupPrincipal group) throws IOException
    {
        Path privateDir = createPrivateDirectory(path, parent);
        Path privateSocket = privateDir.resolve(PRIVATE_SOCKET_NAME);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.bind(UnixDomainSocketAddress.of(privateSocket), Math.max(0, spec.backlog()));
            if (spec.mode() != null)
                Files.setPosixFilePermissions(privateSocket, spec.mode().toPermissions());
            if (group != null)
                changeGroup(path, privateSocket, group, spec.group());
            Object identity = FileKind.identityOf(privateSocket);
            link(path, privateSocket);
            return new BoundSocketFile(path, channel, identity);
        }
        catch (IOException | RuntimeException | Error failure)
        {
            channel.close();
            throw failure;
        }
        finally
        {
            deleteQuietly(privateSocket);
            deleteQuietly(privateDir);
        }
    }

    private static Path createPrivateDirectory(Path path, Path parent) throws IOException
    {
        while (true)
        {
            StringBuilder suffix = new StringBuilder(PRIVATE_DIR_SUFFIX_LENGTH);
            for (int i = 0; i < PRIVATE_DIR_SUFFIX_LENGTH; i++)
                suffix.append(SUFFIX_ALPHABET.charAt(RANDOM.nextInt(SUFFIX_ALPHABET.length())));
            Path dir = privateSocketPath(parent, suffix.toString()).getParent();
            try
            {
                return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            catch (FileAlreadyExistsException taken)
            {
                LOG.debug("Private directory {} exists, trying another name", dir);
            }
            catch (AccessDeniedException denied)
            {
                throw new SocketBindException(path, "this process (user " + System.getProperty("user.name") +
                    ") may not create files in " + parent + ". Run as a user who may write there, or choose another directory", denied);
            }
        }
    }

    private static void changeGroup(Path path, Path privateSocket, GroupPrincipal group, String groupName) throws IOException
    {
        try
        {
            Files.getFileAttributeView(privateSocket, PosixFileAttributeView.class).setGroup(group);
        }
        catch (FileSystemException denied)
        {
            throw new SocketBindException(path, "this process (user " + System.getProperty("user.name") +
                ") may not give the socket to group '" + groupName + "' (" + denied.getReason() +
                "): only members of a group may chown to it. Add the user to the group (usermod -aG " + groupName +
                "), run as root, or leave the group unset", denied);
        }
    }

    private static void link(Path path, Path privateSocket) throws IOException
    {
        try
        {
            Files.createLink(path, privateSocket);
        }
        catch (FileAlreadyExistsException raced)
        {
            throw new SocketBindException(path, "another program created a file at the path while we were binding. " +
                "Stop it, or choose another socket path", raced);
        }
        catch (FileSystemException unsupported)
        {
            throw new SocketBindException(path, "could not link the socket into place (" + unsupported.getReason() +
                "). The directory's file system must support hard links; choose a directory on a local file system " +
                "such as /run or $XDG_RUNTIME_DIR", unsupported);
        }
    }

    private static void deleteQuietly(Path path)
    {
        try
        {
            Files.deleteIfExists(path);
        }
        catch (IOException e)
        {
            LOG.warn("Could not remove temporary {}: {}", path, e.toString());
        }
    }
}
