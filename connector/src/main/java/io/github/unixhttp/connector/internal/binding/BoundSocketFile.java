package io.github.unixhttp.connector.internal.binding;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import io.github.unixhttp.connector.internal.ListeningSocket;
import io.github.unixhttp.connector.internal.nativeedge.Directory;
import io.github.unixhttp.connector.internal.nativeedge.FileStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.unixhttp.connector.binding.SocketBindException;

/**
 * A listening socket and the file through which clients reach it. Closing it removes the file only if the path
 * still names our socket: a socket another server bound there after us is left alone. The socket's directory stays
 * open for the socket's lifetime, so that removing the file at the end goes to the same directory whatever has
 * been renamed meanwhile.
 */
public final class BoundSocketFile implements ListeningSocket
{
    private static final Logger LOG = LoggerFactory.getLogger(BoundSocketFile.class);

    private final Path path;
    private final Directory directory;
    private final String name;
    private final ServerSocketChannel channel;
    private final FileStatus identity;
    private final SocketAddress localAddress;

    BoundSocketFile(Path path, Directory directory, ServerSocketChannel channel, FileStatus identity)
    {
        this.path = path;
        this.directory = directory;
        this.name = path.getFileName().toString();
        this.channel = channel;
        this.identity = identity;
        this.localAddress = UnixDomainSocketAddress.of(path);
    }

    /**
     * @return the listening channel
     */
    @Override
    public ServerSocketChannel channel()
    {
        return channel;
    }

    @Override
    public SocketChannel accept() throws IOException
    {
        return channel.accept();
    }

    /**
     * @return the path clients connect to, which the kernel does not know (it reports the temporary name)
     */
    @Override
    public SocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * Removes the socket file if it is still ours, then closes the listening channel. The file is checked while
     * the channel is still open, so that its inode cannot have been reused by another socket. Never hangs: if the
     * start lock stays held (another starter), the file is left in place and the log says so.
     */
    @Override
    public void close() throws IOException
    {
        try
        {
            removeFileIfOurs();
        }
        finally
        {
            try
            {
                channel.close();
            }
            finally
            {
                directory.close();
            }
        }
    }

    private void removeFileIfOurs()
    {
        try (StartLock ignored = StartLock.acquire(directory, name, path, StartLock.STOP_WAIT))
        {
            FileStatus now = directory.statusOf(name);
            if (now == null)
                LOG.debug("Socket file unix:{} was already removed", path);
            else if (now.isSocket() && now.sameFileAs(identity))
                directory.unlink(name);
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
