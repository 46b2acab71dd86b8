package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import io.github.unixhttp.core.internal.ListeningSocket;
import jnr.ffi.LastError;
import jnr.ffi.Runtime;

/**
 * A socket listening on a Linux abstract name on the JDK's own channel, so that its connections are JDK channels
 * served on Jetty's epoll selector exactly like a path's (jnr's channels need jnr's poll-based selector, which costs
 * abstract names a third of their throughput).
 *
 * <p>The JDK refuses abstract names (a {@link UnixDomainSocketAddress} is a {@link Path}, which holds no NUL), so
 * the socket is made natively: {@code socket(2)}, {@code bind(2)} to the name, {@code listen(2)}. A JDK
 * {@link ServerSocketChannel} is then made to stand for it: the channel accepts only once it believes itself bound,
 * so it is bound first to a placeholder path in a private (0700) directory, and {@code dup3(2)} then puts the
 * abstract socket in the place of the channel's descriptor (the placeholder socket is closed by that), and the
 * placeholder and its directory are removed. The temporary directory is shared and others may write to it, so the
 * private directory is created, bound in and emptied through directory descriptors ({@link Directory}), never by a
 * path another user could swap; it is removed by name only while that name still is the directory we made. The JDK keeps the descriptor number and its state, and accepts,
 * selects and closes on what is now the abstract socket. Accepted connections report an empty local address
 * (the JDK reads the name up to its leading NUL); the connector reports {@code @name} itself.</p>
 *
 * <p>Reaching the channel's descriptor needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (see
 * {@link ChannelFds}); without it, without a writable temporary directory, or on an architecture whose socket
 * constants are not known here ({@link #SOCK_STREAM}, {@link #O_CLOEXEC}), {@link NativeEdge} falls back to jnr's
 * channels.</p>
 */
final class JdkAbstractNameSocket extends ListeningSocket
{
    /** {@code sizeof(sa_family_t)}: the address starts with its family, then the path (here NUL and the name). */
    private static final int FAMILY_BYTES = 2;
    /** {@code AF_UNIX}: 1 on every Linux architecture. */
    static final int AF_UNIX = 1;
    /**
     * {@code SOCK_STREAM} and {@code O_CLOEXEC} (and {@code SOCK_NONBLOCK}, see {@link JdkAbstractNameClient}) differ between Linux architectures (MIPS has SOCK_STREAM 2; Alpha,
     * SPARC and PA-RISC another O_CLOEXEC; jnr-constants' generic Linux table is x86's, so it cannot be trusted for
     * an architecture it has no table for). These are the values of the architectures listed in {@link #KNOWN_ARCHITECTURES}; on any
     * other the JDK channel is not used (see {@link #requireKnownArchitecture}). {@code SOCK_CLOEXEC} is O_CLOEXEC on Linux.
     * 32-bit ARM is left out although these values hold there: {@link Directory} takes O_NOFOLLOW and O_DIRECTORY
     * from jnr-constants, which has no table for it (its fallback would follow links in the shared temporary directory).
     */
    static final int SOCK_STREAM = 1;
    static final int O_CLOEXEC = 0x80000;
    private static final java.util.Set<String> KNOWN_ARCHITECTURES = java.util.Set.of("amd64", "x86_64", "x86", "i386", "i686",
        "aarch64", "riscv64", "s390x", "ppc64", "ppc64le", "loongarch64");
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private JdkAbstractNameSocket(ServerSocketChannel channel, String name)
    {
        super(channel, UnixDomainSocketAddress.of("@" + name));
    }

    /**
     * @throws NativeCallException if a call fails; {@link NativeCallException#EADDRINUSE} from {@code bind(2)}
     *         when a live server has the name
     */
    static JdkAbstractNameSocket listen(String name, int backlog, LibC libc, ChannelFds fds) throws IOException
    {
        requireKnownArchitecture(System.getProperty("os.arch"));
        Runtime runtime = Runtime.getRuntime(libc);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            bindPlaceholder(channel, Path.of(System.getProperty("java.io.tmpdir")));
            int socket = libc.socket(AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0);
            if (socket < 0)
                throw Directory.failure("socket(AF_UNIX)", LastError.getLastError(runtime));
            try
            {
                byte[] address = abstractAddress(name);
                int target = channelFd(fds, channel);
                if (libc.bind(socket, address, address.length) != 0)
                    throw Directory.failure("bind(@" + name + ")", LastError.getLastError(runtime));
                if (libc.listen(socket, backlog) != 0)
                    throw Directory.failure("listen(@" + name + ")", LastError.getLastError(runtime));
                if (libc.dup3(socket, target, O_CLOEXEC) < 0)
                    throw Directory.failure("dup3", LastError.getLastError(runtime));
            }
            finally
            {
                libc.close(socket);
            }
            return new JdkAbstractNameSocket(channel, name);
        }
        catch (IOException | RuntimeException failure)
        {
            channel.close();
            throw failure;
        }
    }

    /** @return whether the socket constants used here ({@link #SOCK_STREAM}, {@link #O_CLOEXEC}, and the client's SOCK_NONBLOCK) are known for it */
    static boolean knowsArchitecture(String architecture)
    {
        return KNOWN_ARCHITECTURES.contains(architecture);
    }

    /**
     * @throws IOException (not a {@link NativeCallException}: the caller falls back to jnr) on an architecture
     *         whose constants are not known here
     */
    static void requireKnownArchitecture(String architecture) throws IOException
    {
        if (!knowsArchitecture(architecture))
            throw new IOException("the socket constants of the architecture " + architecture + " are not known here " +
                "(SOCK_STREAM, O_CLOEXEC, SOCK_NONBLOCK differ between Linux architectures)");
    }

    /**
     * @throws IOException (not a {@link NativeCallException}) if the descriptor cannot be read: the caller falls back
     */
    private static int channelFd(ChannelFds fds, ServerSocketChannel channel) throws IOException
    {
        try
        {
            return fds.fdOf(channel);
        }
        catch (RuntimeException unreadable)
        {
            throw new IOException("the JDK channel's descriptor cannot be read (" + unreadable + ")", unreadable);
        }
    }

    /**
     * Binds the channel in a directory only we can enter, made in {@code temporary}, and removes both: the channel
     * stays bound. Every step goes through the descriptor of the directory we made, so no one who may write to
     * {@code temporary} can redirect it (to bind elsewhere, or to make us delete a file of theirs).
     *
     * @throws IOException (not a {@link NativeCallException}: the caller falls back to jnr) if there is no such directory to be had
     */
    static void bindPlaceholder(ServerSocketChannel channel, Path temporary) throws IOException
    {
        try (Directory parent = Directory.open(temporary))
        {
            String name = makePrivateDirectory(parent);
            try (Directory own = parent.openDirectory(name))
            {
                // Not ours (swapped in between mkdirat and openat): refused, and left alone.
                requireOurs(own.status(), temporary.resolve(name));
                try
                {
                    channel.bind(UnixDomainSocketAddress.of(own.pathOf("s")), 1);
                }
                finally
                {
                    if (own.statusOf("s") != null)
                        own.unlink("s");
                    // By name in a shared directory: only if the name still is the directory made here (an empty one).
                    FileStatus atName = parent.statusOf(name);
                    if (atName != null && atName.sameFileAs(own.status()))
                        parent.removeDirectory(name);
                }
            }
        }
        catch (NativeCallException failure)
        {
            throw new IOException("no private placeholder directory in " + temporary + ": " + failure.getMessage(), failure);
        }
    }

    /** @return the name of a new directory in {@code parent}, created 0700 */
    static String makePrivateDirectory(Directory parent) throws IOException
    {
        for (int attempt = 0; attempt < 16; attempt++)
        {
            String name = "unixhttp-" + randomSuffix();
            if (parent.makeDirectory(name, 0700))
                return name;
        }
        throw new IOException("could not make a new directory in " + parent.path() + ": every name tried was taken");
    }

    /** @return a random part for a name, which no one can guess beforehand */
    static String randomSuffix()
    {
        return Long.toUnsignedString(RANDOM.nextLong(), 36);
    }

    /** The directory opened by the name we made must be the one we made: ours, and open to no one else. */
    static void requireOurs(FileStatus directory, Path path) throws IOException
    {
        if (directory.uid() != Directory.effectiveUid() || (directory.permissions() & 0077) != 0)
            throw new IOException("the directory " + path + " just made is not private to this user (owner uid " + directory.uid() +
                ", mode " + directory.octalPermissions() + "): someone replaced it");
    }

    /** {@code struct sockaddr_un} for an abstract name: the family, a NUL, the name; its length counts no more. */
    static byte[] abstractAddress(String name)
    {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer address = ByteBuffer.allocate(FAMILY_BYTES + 1 + bytes.length).order(ByteOrder.nativeOrder());
        address.putShort((short)AF_UNIX).put((byte)0).put(bytes);
        return address.array();
    }
}
