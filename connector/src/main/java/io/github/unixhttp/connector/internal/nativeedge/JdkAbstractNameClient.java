package io.github.unixhttp.connector.internal.nativeedge;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import io.github.unixhttp.connector.internal.ListeningSocket;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;
import jnr.unixsocket.UnixSocketChannel;

/**
 * Client connections to Linux abstract names on the JDK's own channels, so that clients serve them on the JDK's
 * selectors (Jetty's epoll) exactly like a path's, instead of jnr's channels and poll-based selector.
 *
 * <p>The JDK cannot connect to an abstract name, and gives no way to wrap a connected descriptor in a channel; but
 * a channel it accepted is connected and stays so. So the connection is made natively ({@code socket(2)},
 * non-blocking {@code connect(2)}: a full backlog fails at once with EAGAIN instead of blocking), and a JDK channel
 * is made to stand for it: this process keeps one listening socket of its own (a {@link JdkAbstractNameSocket} on a
 * random abstract name), connects to it natively, accepts that connection on the JDK's channel, then
 * {@code dup3(2)} puts the real connection in the place of the accepted channel's descriptor (which closes the
 * stand-in). The channel's remote address is the stand-in peer's, recorded by the JDK at accept: usually empty, but
 * another user's chosen name if the accepted stand-in was a foreign connection; nothing here relies on it.</p>
 *
 * <p>Others can connect to the stand-in listener too (abstract names have no permissions): whatever is accepted is
 * only ever overwritten or closed, so a foreign connection changes nothing but is dropped. Its backlog full of
 * foreign connections is emptied and the attempt repeated, a few times at most; if it is still full, the
 * connection (made by then) is run on a jnr channel instead, so no one can make our connects fail.</p>
 */
final class JdkAbstractNameClient
{
    /** {@code SOCK_NONBLOCK} (O_NONBLOCK) on the architectures {@link JdkAbstractNameSocket} knows. */
    static final int SOCK_NONBLOCK = 0x800;
    private static final int STAND_IN_BACKLOG = 64;
    private static final int STAND_IN_ATTEMPTS = 4;

    private final LibC libc;
    private final ChannelFds fds;
    private final Runtime runtime;
    private final ServerSocketChannel standIns;
    private final byte[] standInAddress;
    private final Object standInLock = new Object();

    private JdkAbstractNameClient(LibC libc, ChannelFds fds, ServerSocketChannel standIns, byte[] standInAddress)
    {
        this.libc = libc;
        this.fds = fds;
        this.runtime = Runtime.getRuntime(libc);
        this.standIns = standIns;
        this.standInAddress = standInAddress;
    }

    /**
     * Opens the stand-in listener, kept for the life of the JVM (one descriptor).
     *
     * @throws IOException if it cannot be made: the caller falls back to jnr's channels
     */
    static JdkAbstractNameClient open(LibC libc, ChannelFds fds) throws IOException
    {
        for (int attempt = 0; ; attempt++)
        {
            String name = "unixhttp-client-" + JdkAbstractNameSocket.randomSuffix();
            try
            {
                ListeningSocket listening = JdkAbstractNameSocket.listen(name, STAND_IN_BACKLOG, libc, fds);
                ServerSocketChannel channel = (ServerSocketChannel)listening.channel();
                try
                {
                    channel.configureBlocking(false);
                }
                catch (IOException | RuntimeException failure)
                {
                    listening.close();
                    throw failure;
                }
                return new JdkAbstractNameClient(libc, fds, channel, JdkAbstractNameSocket.abstractAddress(name));
            }
            catch (NativeCallException taken)
            {
                if (taken.errno() != NativeCallException.EADDRINUSE || attempt >= 3)
                    throw taken;
            }
        }
    }

    /**
     * @param name the abstract name without its {@code @}
     * @return a channel connected to the name, in non-blocking mode: the JDK's, or exceptionally jnr's (see above)
     * @throws NativeCallException {@link NativeCallException#ECONNREFUSED} if nothing listens on the name,
     *                             {@link NativeCallException#EAGAIN} if its backlog is full
     */
    SocketChannel connect(String name) throws IOException
    {
        int socket = connectNatively(libc, runtime, name);
        boolean handedOver = false;
        try
        {
            SocketChannel channel;
            try
            {
                channel = standIn();
            }
            catch (IOException unavailable)
            {
                // Others keep the stand-in's backlog full, or descriptors ran out: the connection is made, so it is
                // run on jnr's channel rather than failed (a local user must not be able to stop our connects).
                handedOver = true;
                return onJnrChannel(libc, socket);
            }
            try
            {
                if (libc.dup3(socket, fds.fdOf(channel), JdkAbstractNameSocket.O_CLOEXEC) < 0)
                    throw Directory.failure("dup3", LastError.getLastError(runtime));
                // The JDK sets the descriptor's flag only when its own idea of the mode changes (accepted: blocking).
                channel.configureBlocking(false);
                return channel;
            }
            catch (IOException | RuntimeException failure)
            {
                channel.close();
                throw failure;
            }
        }
        finally
        {
            if (!handedOver)
                libc.close(socket);
        }
    }

    /**
     * Connects a new non-blocking socket to the name.
     *
     * @return the connected socket's descriptor, the caller's to close
     * @throws NativeCallException {@link NativeCallException#ECONNREFUSED} if nothing listens on the name,
     *                             {@link NativeCallException#EAGAIN} if its backlog is full
     */
    static int connectNatively(LibC libc, Runtime runtime, String name) throws IOException
    {
        int socket = openSocket(libc, runtime);
        byte[] address = JdkAbstractNameSocket.abstractAddress(name);
        if (libc.connect(socket, address, address.length) != 0)
        {
            int errno = LastError.getLastError(runtime);
            libc.close(socket);
            throw Directory.failure("connect(@" + name + ")", errno);
        }
        return socket;
    }

    /**
     * @param socket a connected descriptor, which the returned channel owns (or which is closed if this fails)
     * @return jnr's channel on it, non-blocking: needs jnr's selector
     */
    static SocketChannel onJnrChannel(LibC libc, int socket) throws IOException
    {
        UnixSocketChannel channel;
        try
        {
            channel = UnixSocketChannel.fromFD(socket);
        }
        catch (RuntimeException failure)
        {
            libc.close(socket);
            throw failure;
        }
        try
        {
            channel.configureBlocking(false);
            return channel;
        }
        catch (IOException | RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
    }

    /**
     * @return a connected JDK channel, to be overwritten: accepted from a connection made to our own listener
     */
    private SocketChannel standIn() throws IOException
    {
        int socket = openSocket(libc, runtime);
        try
        {
            // One at a time, so that each caller's accept finds a connection (its own, or a foreign one made first).
            synchronized (standInLock)
            {
                for (int attempt = 1; ; attempt++)
                {
                    if (libc.connect(socket, standInAddress, standInAddress.length) == 0)
                    {
                        SocketChannel accepted = standIns.accept();
                        if (accepted != null)
                            return accepted;
                        throw new IOException("the stand-in connection was made but not there to accept");
                    }
                    int errno = LastError.getLastError(runtime);
                    if (errno != NativeCallException.EAGAIN || attempt >= STAND_IN_ATTEMPTS)
                        throw Directory.failure("connect(stand-in)", errno);
                    // Filled by others: what is queued there is not ours. Drop at most a backlog's worth and try again:
                    // others refilling it as fast as we empty it must not keep this thread (and the lock) here.
                    for (int dropped = 0; dropped <= STAND_IN_BACKLOG; dropped++)
                    {
                        SocketChannel foreign = standIns.accept();
                        if (foreign == null)
                            break;
                        foreign.close();
                    }
                }
            }
        }
        finally
        {
            libc.close(socket);
        }
    }

    private static int openSocket(LibC libc, Runtime runtime) throws IOException
    {
        int socket = libc.socket(JdkAbstractNameSocket.AF_UNIX,
            JdkAbstractNameSocket.SOCK_STREAM | SOCK_NONBLOCK | JdkAbstractNameSocket.O_CLOEXEC, 0);
        if (socket < 0)
            throw Directory.failure("socket(AF_UNIX)", LastError.getLastError(runtime));
        return socket;
    }
}
