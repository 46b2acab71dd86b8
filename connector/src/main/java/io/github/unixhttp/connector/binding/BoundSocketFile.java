package io.github.unixhttp.connector.binding;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import io.github.unixhttp.connector.ListeningSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket and the file through which clients reach it. Closing it removes the file only if the path
 * still names our socket: a socket another server bound there after us is left alone.
 */
public final class BoundSocketFile implements ListeningSocket
{
    private static final Logger LOG = LoggerFactory.getLogger(BoundSocketFile.class);

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object identity;
    private final SocketAddress localAddress;

    BoundSocketFile(Path path, ServerSocketChannel channel, Object identity)
    {
        this.path = path;
        this.channel = channel;
        this.identity = Objects.requireNonNull(identity, "identity");
        this.localAddress = UnixDomainSocketAddress.of(path);
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
