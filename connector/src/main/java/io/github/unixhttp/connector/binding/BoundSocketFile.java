package io.github.unixhttp.connector.binding;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket and the file through which clients reach it. Closing it removes the file only if the path
 * still names our socket: a socket another server bound there after us is left alone.
 */
public final class BoundSocketFile implements Closeable
{
    private static final Logger LOG = LoggerFactory.getLogger(BoundSocketFile.class);

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object identity;

    BoundSocketFile(Path path, ServerSocketChannel channel, Object identity)
    {
        this.path = path;
        this.channel = channel;
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /**
     * @return the path clients connect to (not the temporary name the socket was bound under)
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the listening channel
     */
    public ServerSocketChannel channel()
    {
        return channel;
    }

    /**
     * Removes the socket file if it is still ours, then closes the listening channel. The file is checked while
     * the channel is still open, so that its inode cannot have been reused by another socket.
     */
    @Override
    public void close() throws IOException
    {
        try (StartLock ignored = StartLock.acquire(path))
        {
            FileKind kind = FileKind.of(path);
            if (kind == FileKind.ABSENT)
                LOG.debug("Socket file unix:{} was already removed", path);
            else if (kind == FileKind.SOCKET && identity.equals(FileKind.identityOf(path)))
                Files.delete(path);
            else
                LOG.info("Leaving unix:{} in place: it is no longer the socket this connector created", path);
        }
        catch (NoSuchFileException gone)
        {
            LOG.debug("Socket file unix:{} was already removed", path);
        }
        finally
        {
            channel.close();
        }
    }

    @Override
    public String toString()
    {
        return "unix:" + path;
    }
}
