package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import io.github.unixhttp.core.internal.ListeningSocket;
import io.github.unixhttp.core.internal.nativeedge.Directory;
import io.github.unixhttp.core.internal.nativeedge.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.unixhttp.connector.binding.SocketBindException;

/**
 * A listening socket and the file through which clients reach it. Closing it removes the file only if the path
 * still names our socket: a socket another server bound there after us is left alone. The socket's directory stays
 * open for the socket's lifetime, so that removing the file at the end goes to the same directory whatever has
 * been renamed meanwhile.
 *
 * <p>A takeover's socket starts unpublished, in its private directory, until {@link #publish()}; closing it before
 * that removes the private directory and never touches the path.</p>
 */
public final class BoundSocketFile extends ListeningSocket
{
    private static final Logger LOG = LoggerFactory.getLogger(BoundSocketFile.class);
    /** How long a look at the path waits for the lock to read a takeover's record: a takeover holds it briefly. */
    private static final java.time.Duration RECORD_WAIT = java.time.Duration.ofMillis(200);

    private final Path path;
    private final Directory directory;
    private final String name;
    private final FileStatus identity;
    /** Until a takeover's socket is published; {@code null} once it is, or from the start for an ordinary bind. */
    private SocketPublication pending;
    /** Set first thing by {@link #close()}: the directory descriptor may be closed, its number reused. */
    private boolean closed;
    /** Whether a failed look at the path was logged: once is enough, the watch looks a few times a second. */
    private boolean toldUnknown;

    BoundSocketFile(Path path, Directory directory, ServerSocketChannel channel, FileStatus identity)
    {
        this(path, directory, channel, identity, null);
    }

    BoundSocketFile(Path path, Directory directory, ServerSocketChannel channel, FileStatus identity, SocketPublication pending)
    {
        super(channel, UnixDomainSocketAddress.of(path));
        this.pending = pending;
        this.path = path;
        this.directory = directory;
        this.name = path.getFileName().toString();
        this.identity = identity;
    }
    /**
     * Refuses new connections at the socket (see {@link ListeningSocket#refuseNewConnections()}); where that cannot be
     * done, removes the file if it is still ours, so that a client looking the path up from now on finds nothing.
     */
    @Override
    public boolean refuseNewConnections()
    {
        if (super.refuseNewConnections())
            return true;
        synchronized (this)
        {
            if (closed || pending != null)
                return false;
        }
        removeFileIfOurs();
        return true;
    }

    /** @return the socket file this connector created, as it was when bound */
    FileStatus identity()
    {
        return identity;
    }

    /**
     * @return the path clients connect to
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return whether clients can reach the socket at the path: {@code false} while a takeover's socket waits for
     *         {@link #publish()}
     */
    public synchronized boolean isPublished()
    {
        return pending == null;
    }

    /**
     * Puts a takeover's socket at the path in place of the server it replaces, which learns of it by
     * {@link #pathState()} and drains. Does nothing if the socket is published already.
     *
     * @throws io.github.unixhttp.connector.binding.SocketBindException if another server took the path meanwhile;
     *         the path is left to it, and this socket is never published
     */
    public synchronized void publish() throws IOException
    {
        if (closed)
            throw new IOException("unix:" + path + " was closed before it could be published");
        SocketPublication publication = pending;
        if (publication == null)
            return;
        pending = null;
        publication.publish(path, directory, name);
    }

    /**
     * What the path names now, looked up through the directory descriptor without following a link: one
     * {@code lstat}, cheap enough to ask a few times a second.
     */
    public synchronized PathState pathState()
    {
        if (closed || pending != null)
            return PathState.UNKNOWN;
        try
        {
            FileStatus now = directory.statusOf(name);
            if (now == null)
                return PathState.ABSENT;
            if (now.sameFileAs(identity))
                return PathState.OURS;
            if (!now.isSocket() || now.uid() != Directory.effectiveUid())
                return PathState.FOREIGN;
            return takeoverRecorded(now);
        }
        catch (IOException unknown)
        {
            // Say nothing rather than something wrong: a replaced server that is not told goes on serving.
            if (!toldUnknown)
            {
                toldUnknown = true;
                LOG.warn("Cannot look at unix:{} ({}): a takeover of this path is not noticed while that lasts", path,
                    unknown.toString());
            }
            return PathState.UNKNOWN;
        }
    }

    /**
     * @return {@link PathState#REPLACED} if the lock file records that a takeover replaced this socket with {@code now},
     *         {@link PathState#UNPROVEN} if not, {@link PathState#UNKNOWN} if the lock is held (a takeover under way)
     */
    private PathState takeoverRecorded(FileStatus now) throws IOException
    {
        try (StartLock lock = StartLock.acquire(directory, name, path, RECORD_WAIT))
        {
            return TakeoverRecord.chainLeads(lock.takeoverRecords(), identity, now) ? PathState.REPLACED : PathState.UNPROVEN;
        }
        catch (SocketBindException held)
        {
            return PathState.UNKNOWN;
        }
    }

    /**
     * @return whether a server answers at the path as this user: a takeover's new server must, before this one drains
     *         (one that died right after it published leaves a socket nobody listens on)
     */
    public boolean replacementAnswers()
    {
        try
        {
            TakeoverProbe.Listener listener = TakeoverProbe.probe(path);
            return listener != null && listener.sameUser();
        }
        catch (IOException busy)
        {
            // Its backlog stayed full: a server is there, and busy.
            return true;
        }
    }

    /**
     * Removes the socket file if it is still ours, then closes the listening channel. The file is checked while
     * the channel is still open, so that its inode cannot have been reused by another socket. Never hangs: if the
     * start lock stays held (another starter), the file is left in place and the log says so. A second close does
     * nothing: the directory descriptor is closed by the first, and its number may name another directory by then.
     */
    @Override
    public void close() throws IOException
    {
        synchronized (this)
        {
            if (closed)
                return;
            closed = true;
        }
        try
        {
            SocketPublication publication;
            synchronized (this)
            {
                publication = pending;
                pending = null;
            }
            if (publication != null)
                publication.discard(directory);
            else
                removeFileIfOurs();
        }
        finally
        {
            try
            {
                channel().close();
            }
            finally
            {
                directory.close();
            }
        }
    }

    private void removeFileIfOurs()
    {
        try (StartLock lock = StartLock.acquire(directory, name, path, StartLock.STOP_WAIT))
        {
            FileStatus now = directory.statusOf(name);
            if (now == null)
                LOG.debug("Socket file unix:{} was already removed", path);
            else if (now.isSocket() && now.sameFileAs(identity))
            {
                directory.unlink(name);
                // The last server on this path: its lock file goes too (a replaced server's stays, the new one's).
                lock.removeLockFile();
            }
            else
                LOG.info("Leaving unix:{} in place: it is no longer the socket this connector created", path);
        }
        catch (SocketBindException lockProblem)
        {
            LOG.warn("Leaving unix:{} in place, since its start lock could not be taken: {}", path, lockProblem.problemAndFix());
        }
        catch (IOException cannot)
        {
            LOG.warn("Leaving unix:{} in place: {}", path, cannot.getMessage());
        }
    }

    @Override
    public String toString()
    {
        return "unix:" + path;
    }
}
