package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

import jnr.ffi.LastError;
import jnr.unixsocket.UnixSocketChannel;

/**
 * Client connections to Linux abstract names on the JDK's own channels, so that clients serve them on the JDK's
 * selectors (Jetty's epoll) exactly like a path's, instead of jnr's channels and poll-based selector.
 *
 * <p>The JDK cannot connect to an abstract name, and gives no way to wrap a connected descriptor in a channel; but
 * a channel it accepted is connected and stays so. So the connection is made natively ({@code socket(2)},
 * non-blocking {@code connect(2)}: a full backlog fails at once with EAGAIN instead of blocking), and a JDK channel
 * is made to stand for it: this process keeps one listening socket of its own (a JDK channel bound in a private,
 * 0700, directory it makes in the temporary directory, reached through the directory's descriptor), connects to it
 * natively, accepts that connection on the JDK's channel, then
 * {@code dup3(2)} puts the real connection in the place of the accepted channel's descriptor (which closes the
 * stand-in). The channel's remote address is the stand-in peer's, recorded by the JDK at accept: usually empty, but
 * another user's chosen name if the accepted stand-in was a foreign connection; nothing here relies on it.</p>
 *
 * <p>Only this user can reach the stand-in listener: an abstract name (as it once was) is listed in
 * {@code /proc/net/unix} and open to every local user, who could fill its backlog or, from a socket bound to a name the
 * JDK cannot represent, make its accepts throw. Whatever is accepted is only ever overwritten or closed, so a foreign
 * connection (this user's) changes nothing but is dropped; a backlog full of them is emptied and the attempt
 * repeated, a few times at most; if it is still full, the connection (made by then) is run on a jnr channel instead.
 * The directory and socket are removed at the JVM's exit; a JVM killed outright leaves them (an empty directory of
 * its own and a dead socket, {@code unixhttp-*} in the temporary directory).</p>
 */
final class JdkAbstractNameClient
{
    /** {@code SOCK_NONBLOCK} (O_NONBLOCK) on the architectures {@link JdkAbstractNameSocket} knows. */
    static final int SOCK_NONBLOCK = 0x800;
    private static final int STAND_IN_BACKLOG = 64;
    private static final int STAND_IN_ATTEMPTS = 4;
    private static final String STAND_IN_NAME = "s";

    private final LibC libc;
    private final ChannelFds fds;
    private final jnr.ffi.Runtime runtime;
    private final ServerSocketChannel standIns;
    private final byte[] standInAddress;
    private final Object standInLock = new Object();
    /** {@code null} where leaked descriptors cannot be found (see {@link #acceptStandIn()}). */
    private final LeakedAcceptSweeper sweeper;

    private JdkAbstractNameClient(LibC libc, ChannelFds fds, ServerSocketChannel standIns, byte[] standInAddress,
                                  LeakedAcceptSweeper sweeper)
    {
        this.libc = libc;
        this.fds = fds;
        this.runtime = jnr.ffi.Runtime.getRuntime(libc);
        this.standIns = standIns;
        this.standInAddress = standInAddress;
        this.sweeper = sweeper;
    }

    /**
     * Opens the stand-in listener, kept for the life of the JVM (two descriptors: the socket, and its directory).
     *
     * @throws IOException if it cannot be made: the caller falls back to jnr's channels
     */
    static JdkAbstractNameClient open(LibC libc, ChannelFds fds) throws IOException
    {
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        Directory own;
        String name;
        try (Directory parent = Directory.open(temporary))
        {
            name = JdkAbstractNameSocket.makePrivateDirectory(parent);
            own = parent.openDirectory(name);
        }
        catch (NativeCallException failure)
        {
            throw new IOException("no private directory for the stand-in listener in " + temporary + ": " + failure.getMessage(), failure);
        }
        ServerSocketChannel channel = null;
        try
        {
            // Not ours (swapped in between mkdirat and openat): refused, and left alone.
            JdkAbstractNameSocket.requireOurs(own.status(), temporary.resolve(name));
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            // Through the directory's descriptor, for the bind and for every connect: whatever becomes of its name
            // in the shared temporary directory, these reach the socket made here, and the path is short.
            Path socket = own.pathOf(STAND_IN_NAME);
            channel.bind(UnixDomainSocketAddress.of(socket), STAND_IN_BACKLOG);
            channel.configureBlocking(false);
            LeakedAcceptSweeper sweeper = LeakedAcceptSweeper.forListener(channel, libc, fds);
            JdkAbstractNameClient client = new JdkAbstractNameClient(libc, fds, channel, pathAddress(socket), sweeper);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> removeQuietly(temporary, name, own), "unixhttp-stand-in-cleanup"));
            return client;
        }
        catch (IOException | RuntimeException failure)
        {
            if (channel != null)
                channel.close();
            removeQuietly(temporary, name, own);
            own.close();
            throw failure;
        }
    }

    /**
     * Removes the stand-in's socket and directory (by name only while the name still is the directory made here).
     * The directory's descriptor stays open: at exit, other threads may still connect through {@code /proc/self/fd/N}.
     */
    private static void removeQuietly(Path temporary, String name, Directory own)
    {
        try (Directory parent = Directory.open(temporary))
        {
            if (own.statusOf(STAND_IN_NAME) != null)
                own.unlink(STAND_IN_NAME);
            FileStatus atName = parent.statusOf(name);
            if (atName != null && atName.sameFileAs(own.status()))
                parent.removeDirectory(name);
        }
        catch (IOException | RuntimeException bestEffort)
        {
            // At exit, or after a failed start: a leftover empty directory of ours in the temporary directory.
        }
    }

    /** {@code struct sockaddr_un} for a path: the family, the path's bytes, a NUL. */
    private static byte[] pathAddress(Path socket)
    {
        byte[] path = Directory.fileNameBytes(socket.toString());
        ByteBuffer address = ByteBuffer.allocate(2 + path.length + 1).order(ByteOrder.nativeOrder());
        address.putShort((short)JdkAbstractNameSocket.AF_UNIX).put(path).put((byte)0);
        return address.array();
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
    static int connectNatively(LibC libc, jnr.ffi.Runtime runtime, String name) throws IOException
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
                        SocketChannel accepted = acceptStandIn();
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
                        SocketChannel foreign = acceptStandIn();
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

    /**
     * Accepts on the stand-in listener. Only this user can reach it (its directory is 0700), but one of its processes
     * bound to a name the JVM's file-name encoding cannot represent would make the JDK's accept throw and leak the
     * descriptor: that connection is skipped and the leak closed.
     */
    private SocketChannel acceptStandIn() throws IOException
    {
        while (true)
        {
            try
            {
                return standIns.accept();
            }
            catch (InvalidPathException unnameablePeer)
            {
                if (sweeper != null)
                    sweeper.sweep();
            }
        }
    }

    private static int openSocket(LibC libc, jnr.ffi.Runtime runtime) throws IOException
    {
        int socket = libc.socket(JdkAbstractNameSocket.AF_UNIX,
            JdkAbstractNameSocket.SOCK_STREAM | SOCK_NONBLOCK | JdkAbstractNameSocket.O_CLOEXEC, 0);
        if (socket < 0)
            throw Directory.failure("socket(AF_UNIX)", LastError.getLastError(runtime));
        return socket;
    }
}
