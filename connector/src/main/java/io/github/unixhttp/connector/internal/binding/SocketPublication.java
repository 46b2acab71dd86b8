package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.nio.file.Path;

import io.github.unixhttp.connector.binding.BindProblem;
import io.github.unixhttp.connector.binding.SocketBindException;
import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of a takeover: a socket bound in its private directory, waiting to replace the live socket at the
 * path. Publishing runs under the {@link StartLock} and replaces the path only if it still names the socket that
 * was probed (another takeover may have won meanwhile); it swaps the two names in one step
 * ({@code renameat2(RENAME_EXCHANGE)}), so that a client connecting at that instant reaches one server or the
 * other and never finds the path missing, and then checks that what it took out of the path is that socket, to
 * swap back if not. Where the file system cannot swap, the takeover is refused: a plain {@code rename(2)} would
 * replace whatever is at the path by then, unchecked. Discarding (a server that failed to start) removes the private directory and
 * leaves the path alone.
 */
final class SocketPublication
{
    private static final Logger LOG = LoggerFactory.getLogger(SocketPublication.class);

    private final Directory privateDir;
    private final String privateDirName;
    private final String socketName;
    private final FileStatus replaced;

    /**
     * @param privateDir the private directory, open
     * @param privateDirName its name in the socket's directory
     * @param socketName the bound socket's name in it
     * @param replaced the live socket at the path when it was probed
     */
    SocketPublication(Directory privateDir, String privateDirName, String socketName, FileStatus replaced)
    {
        this.privateDir = privateDir;
        this.privateDirName = privateDirName;
        this.socketName = socketName;
        this.replaced = replaced;
    }

    /**
     * Puts the socket at the path, in place of the probed one (or where nothing is any more: the old server stopped
     * and removed its file meanwhile), then removes the private directory.
     *
     * @throws SocketBindException if the path names anything else now; the path is then left as it is
     */
    void publish(Path path, Directory directory, String name) throws IOException
    {
        boolean privateDirHoldsOnlyOurs = true;
        try (StartLock lock = StartLock.acquire(directory, name, path, StartLock.START_WAIT))
        {
            FileStatus ours = privateDir.statusOf(socketName);
            FileStatus now = directory.statusOf(name);
            if (now == null)
                SocketFileBinder.link(path, privateDir, directory, name);
            else if (!now.isSocket() || !now.sameFileAs(replaced))
                throw tookThePath(path, FileKind.of(now).description() + " is there now");
            else if (!privateDir.exchange(socketName, directory, name))
                // A plain rename(2) would replace whatever is at the path by then, unchecked: fail closed instead.
                throw new SocketBindException(path, "this file system cannot swap two names in one step " +
                    "(renameat2 RENAME_EXCHANGE), which a takeover needs to replace the path safely. The path is left " +
                    "to the running server: stop it and start this one, or let a supervisor keep the socket (systemd " +
                    "socket activation, s6-ipcserver-socketbinder)", BindProblem.IN_USE);
            else
            {
                FileStatus takenOut = privateDir.statusOf(socketName);
                if (!replaced.sameFileAs(takenOut))
                {
                    // Someone put another file at the path between the check and the swap: give it back. Until that
                    // succeeded, the private directory holds a file that is not ours, which discarding must not delete.
                    privateDirHoldsOnlyOurs = false;
                    privateDir.exchange(socketName, directory, name);
                    privateDirHoldsOnlyOurs = true;
                    throw tookThePath(path, "the path changed at the last instant");
                }
            }
            // Still under the lock: the replaced server reads this under the lock before it drains.
            lock.recordTakeover(replaced, ours);
            LOG.info("unix:{} now names this server's socket; the server it replaced drains", path);
        }
        finally
        {
            if (privateDirHoldsOnlyOurs)
                discard(directory);
            else
            {
                SocketFileBinder.closeQuietly(privateDir);
                LOG.error("A file put at unix:{} during the takeover could not be given back; it is in {}/{}: move it " +
                    "back by hand if it is needed", path, path.resolveSibling(privateDirName), socketName);
            }
        }
    }

    /**
     * Removes the private directory and what is in it: the unpublished socket, or after a swap the replaced one's
     * old name (its server keeps listening on its descriptor until it has drained).
     */
    void discard(Directory directory)
    {
        SocketFileBinder.unlinkQuietly(privateDir, socketName);
        SocketFileBinder.closeQuietly(privateDir);
        SocketFileBinder.removePrivateDirectory(directory, privateDirName);
    }

    private static SocketBindException tookThePath(Path path, String what)
    {
        return new SocketBindException(path, "another server took the path while this one was starting (" + what +
            "), so this takeover stops here and leaves the path to it. Start again to take over from that one",
            BindProblem.IN_USE);
    }
}
