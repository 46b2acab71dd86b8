package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;

import io.github.unixhttp.core.internal.ListeningSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A socket the portable layer bound at a path. Closing it removes the file only if the path still names the file it
 * published (the same file key: device and inode where the system has them); where the system gives no file key,
 * the file is left for the next start's stale-socket probe: never delete what may not be ours.
 */
public final class PortableSocketFile extends ListeningSocket
{
    private static final Logger LOG = LoggerFactory.getLogger(PortableSocketFile.class);

    private final Path path;
    private final Object identity;
    private boolean removed;

    PortableSocketFile(ServerSocketChannel channel, Path path, Object identity)
    {
        super(channel, UnixDomainSocketAddress.of(path));
        this.path = path;
        this.identity = identity;
    }

    /**
     * No {@code shutdown(2)} on a listening socket through the JDK: new clients are kept out by removing the file (if
     * still ours), while what the kernel has queued can still be accepted.
     */
    @Override
    public boolean refuseNewConnections()
    {
        removeFileIfOurs();
        return true;
    }

    @Override
    public void close() throws IOException
    {
        try
        {
            super.close();
        }
        finally
        {
            removeFileIfOurs();
        }
    }

    private synchronized void removeFileIfOurs()
    {
        if (removed)
            return;
        removed = true;
        try
        {
            Object now = identityAt(path);
            if (identity != null && identity.equals(now))
                Files.deleteIfExists(path);
            else if (now != null)
                LOG.info("unix:{} is no longer the socket this server created (or this system cannot tell): left in place", path);
        }
        catch (IOException | RuntimeException failure)
        {
            LOG.warn("Could not remove unix:{}: {}", path, failure.toString());
        }
    }

    /** @return the file key of what is at the path, not following a link; {@code null} if nothing is there or no key */
    static Object identityAt(Path path) throws IOException
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        }
        catch (NoSuchFileException absent)
        {
            return null;
        }
    }

    /** @return whether the file at the path (not followed) is owned by this process's user */
    static boolean isOwnedByThisUser(Path path) throws IOException
    {
        UserPrincipal owner = Files.getOwner(path, LinkOption.NOFOLLOW_LINKS);
        return owner.equals(OwnUser.PRINCIPAL);
    }

    /** This process's user as the file system names owners: the owner of a file it has just created. */
    private static final class OwnUser
    {
        private static final UserPrincipal PRINCIPAL = find();

        private static UserPrincipal find()
        {
            try
            {
                Path probe = Files.createTempFile("unixhttp-owner", ".tmp");
                try
                {
                    return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
                }
                finally
                {
                    Files.deleteIfExists(probe);
                }
            }
            catch (IOException | RuntimeException unknown)
            {
                // Equal to no owner: a dead socket is then never removed (fail closed), and the message says to remove it.
                return null;
            }
        }
    }
}
