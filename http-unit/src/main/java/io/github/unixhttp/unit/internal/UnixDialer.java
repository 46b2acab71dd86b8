package io.github.unixhttp.unit.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

import io.github.unixhttp.core.UnixSocketAddress;
import io.github.unixhttp.core.internal.nativeedge.NativeEdge;
import io.github.unixhttp.unit.ServerIdentityCheck;
import io.github.unixhttp.unit.ServerIdentityException;
import io.github.unixhttp.unit.SocketFileException;

/**
 * Dials a Unix socket address for the blocking clients: opens a client channel and connects it, honouring a connect
 * timeout even when the server's backlog is full (a blocking {@code connect(2)} would wait forever; a non-blocking
 * one fails at once with EAGAIN, so it is retried until the deadline, as {@link ConnectRetry} paces it). The
 * {@link ServerIdentityCheck} looks at the socket file before each attempt (and the attempt connects to the very
 * file it looked at) and at the server's credentials once connected. (Not a Jetty connector: it only opens client connections.)
 */
public final class UnixDialer
{
    private UnixDialer()
    {
    }

    /**
     * The check every client makes of the address it is given, so that the mistake is reported where it was made.
     *
     * @return {@code address}
     * @throws IllegalArgumentException for an inherited socket, which names a server's listening socket, not a place
     *                                  to connect to; saying what to pass instead
     */
    public static UnixSocketAddress requireConnectable(UnixSocketAddress address)
    {
        Objects.requireNonNull(address, "address");
        if (!address.isConnectable())
            throw new IllegalArgumentException("A client cannot connect to " + address + ": an inherited socket is the " +
                "listening socket a supervisor (systemd, s6) passed to a server, and has no name of its own to connect to. " +
                "Give the client the path the supervisor bound it at (ListenStream= of the systemd socket unit), e.g. " +
                "UnixSocketAddress.ofPath(Path.of(\"/run/app/app.sock\")), or its @name");
        return address;
    }

    /**
     * @param timeout how long to try; zero or negative waits as long as it takes
     * @return a connected channel in non-blocking mode: a JDK channel, or a jnr channel for an abstract name where the
     *         JDK's cannot be used (see {@code NativeEdge.connectAbstractName})
     * @throws SocketTimeoutException if the server did not take the connection in time
     * @throws ServerIdentityException if the server is not the one {@code identity} requires
     * @throws SocketFileException if what is at the socket path is refused (a link, not a socket, another owner)
     */
    public static SocketChannel connect(UnixSocketAddress address, Duration timeout, ServerIdentityCheck identity) throws IOException
    {
        requireConnectable(address);
        boolean abstractName = address.kind() == UnixSocketAddress.Kind.ABSTRACT_NAME;
        ConnectRetry retry = ConnectRetry.start(timeout);
        while (true)
        {
            SocketChannel channel;
            if (abstractName)
                channel = connectAbstractName(address);
            else
            {
                // Checked before every attempt, and connected to the very file checked: see VerifiedSocketPath.
                try (VerifiedSocketPath target = identity.verifyAndPinPath(address.path()))
                {
                    channel = connectPath(address, target);
                }
            }
            if (channel != null)
            {
                try
                {
                    identity.verify(channel, address.toString());
                    return channel;
                }
                catch (IOException | RuntimeException refused)
                {
                    channel.close();
                    throw refused;
                }
            }
            // A failed connect closes the channel: the next attempt needs a new one.
            long pause = retry.nextPauseNanos(System.nanoTime());
            if (pause < 0)
                throw ConnectRetry.timedOut(address, timeout);
            LockSupport.parkNanos(pause);
            // parkNanos returns at once while the interrupt flag is set: without this the retries would spin.
            if (Thread.currentThread().isInterrupted())
                throw new InterruptedIOException("Connect to unix:" + address + " interrupted while its backlog was full");
        }
    }

    /**
     * @return the connected channel, non-blocking; {@code null} if the backlog is full and it is worth trying again
     */
    private static SocketChannel connectPath(UnixSocketAddress address, VerifiedSocketPath target) throws IOException
    {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            channel.configureBlocking(false);
            if (channel.connect(target.connectAddress()) || channel.finishConnect())
                return channel;
            channel.close();
            return null;
        }
        catch (ConnectException refused)
        {
            channel.close();
            throw notListening(address, refused.getMessage() + " (is the server running?)", refused);
        }
        catch (IOException failure)
        {
            channel.close();
            if (ConnectRetry.isBacklogFull(failure, address))
                return null;
            if (!Files.exists(address.path()))
                throw notListening(address, "there is no socket at this path (is the server running, on this path?)", failure);
            throw failure;
        }
        catch (RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
    }

    /**
     * @return the connected channel, non-blocking; {@code null} if the backlog is full and it is worth trying again
     */
    private static SocketChannel connectAbstractName(UnixSocketAddress address) throws IOException
    {
        try
        {
            return NativeEdge.connectAbstractName(address.abstractName());
        }
        catch (ConnectException refused)
        {
            throw notListening(address, "nothing listens on this abstract name (is the server running, on this name?)", refused);
        }
        catch (IOException failure)
        {
            if (ConnectRetry.isBacklogFull(failure, address))
                return null;
            throw failure;
        }
    }

    private static ConnectException notListening(UnixSocketAddress address, String why, IOException cause)
    {
        ConnectException failure = new ConnectException("Cannot connect to unix:" + address + ": " + why);
        failure.initCause(cause);
        return failure;
    }
}
