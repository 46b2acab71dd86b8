package io.github.unixhttp.core.internal.nativeedge;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import jnr.ffi.byref.IntByReference;

/**
 * Closes the descriptors the JDK leaks when it cannot name a peer. {@code ServerSocketChannel.accept()} on a Unix
 * socket turns the peer's bound name into a {@link UnixDomainSocketAddress} after {@code accept(2)} has returned
 * the connection; where the JVM's file-name encoding ({@code sun.jnu.encoding}, from the locale) cannot represent
 * that name, {@code Path.of} throws {@code InvalidPathException} and the new descriptor is referenced by nothing and
 * never closed (JDK 17 and 25: {@code ServerSocketChannelImpl.implAccept} converts before {@code finishAccept}, which
 * alone closes on failure).
 *
 * <p>Such a descriptor is found by what it is, not by its number: a socket of this process whose local name is the
 * listening socket's (every connection accepted on it has that name), still in the blocking mode {@code accept(2)}
 * gives (every connection accepted and kept is made non-blocking at once, under an accept guard the sweep holds, see
 * {@code ListeningSocket}), and whose peer's name the JDK cannot represent. The peer's name alone would not do: a
 * connected peer may bind itself to such a name after it was accepted. No one else owns such a descriptor, so no one
 * else closes it; sweeps are serialized in the JVM, so a number is checked and closed by one sweep at a time. Linux
 * only: it lists {@code /proc/self/fd}.</p>
 */
public final class LeakedAcceptSweeper
{
    /** Sweeps of all listeners in this JVM, one at a time (see the class comment). */
    private static final Object SWEEPING = new Object();
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");
    /** {@code sizeof(struct sockaddr_un)}. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int FAMILY_BYTES = 2;
    private static final int O_NONBLOCK = jnr.constants.platform.OpenFlags.O_NONBLOCK.intValue();

    private final LibC libc;
    private final int listeningFd;
    private final byte[] listeningName;

    private LeakedAcceptSweeper(LibC libc, int listeningFd, byte[] listeningName)
    {
        this.libc = libc;
        this.listeningFd = listeningFd;
        this.listeningName = listeningName;
    }

    /**
     * @param listening the listening JDK channel whose accepts may leak
     * @return a sweeper, or {@code null} where none can work (no C library, no {@code /proc}, a name that cannot be
     *         learned); the reason is then {@link #unavailableBecause(LibC)}
     */
    static LeakedAcceptSweeper forListener(SelectableChannel listening, LibC libc, ChannelFds fds)
    {
        if (libc == null || !Files.isDirectory(OWN_DESCRIPTORS))
            return null;
        try
        {
            if (fds.readsJdkChannels())
            {
                int fd = fds.fdOf(listening);
                byte[] name = nameOf(libc, fd, false);
                return name == null ? null : new LeakedAcceptSweeper(libc, fd, name);
            }
            // Without the descriptor, the JDK's own idea of its name (exact for a path it bound or inherited).
            SocketAddress local = ((NetworkChannel)listening).getLocalAddress();
            if (!(local instanceof UnixDomainSocketAddress unix) || unix.getPath().toString().isEmpty())
                return null;
            return new LeakedAcceptSweeper(libc, -1, Directory.fileNameBytes(unix.getPath().toString()));
        }
        catch (IOException | RuntimeException unknowable)
        {
            return null;
        }
    }

    /**
     * @return why {@link #forListener} finds no sweeper here, for the log
     */
    static String unavailableBecause(LibC libc)
    {
        if (libc == null)
            return "jnr-ffi could not load the C library";
        if (!Files.isDirectory(OWN_DESCRIPTORS))
            return "this system has no " + OWN_DESCRIPTORS;
        return "the listening socket's name could not be read";
    }

    /**
     * @return the descriptors that look leaked now (see the class comment); the caller holds the accept guard
     */
    public List<Integer> candidates() throws IOException
    {
        synchronized (SWEEPING)
        {
            List<Integer> found = new ArrayList<>();
            try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(OWN_DESCRIPTORS))
            {
                for (Path entry : descriptors)
                {
                    int fd = descriptorNumber(entry.getFileName().toString());
                    if (fd >= 0 && fd != listeningFd && isLeaked(fd))
                        found.add(fd);
                }
            }
            return found;
        }
    }

    /**
     * Closes those of {@code candidates} that still look leaked: a connection an acceptor thread had just accepted
     * when they were found is non-blocking by now. The caller holds the accept guard.
     *
     * @return how many were closed
     */
    public int closeStillLeaked(List<Integer> candidates)
    {
        synchronized (SWEEPING)
        {
            int closed = 0;
            for (int fd : candidates)
            {
                if (isLeaked(fd) && libc.close(fd) == 0)
                    closed++;
            }
            return closed;
        }
    }

    /**
     * Finds and closes the leaked descriptors at once, for a listener whose accepts all run under the caller's guard.
     *
     * @return how many were closed
     */
    public int sweep() throws IOException
    {
        return closeStillLeaked(candidates());
    }

    private boolean isLeaked(int fd)
    {
        byte[] local = nameOf(libc, fd, false);
        if (local == null || !Arrays.equals(local, listeningName))
            return false;
        // Every connection the connector serves is non-blocking from its accept on (the accepting thread makes it so
        // under the accept guard, which the caller holds now), and so is every other this listener accepted: only the
        // JDK's failed accept leaves one in the blocking mode accept(2) gives. This, and not the peer's name, rules
        // out a live connection whose peer bound itself to such a name after it was accepted.
        int flags = libc.fcntl(fd, LibC.F_GETFL, 0);
        if (flags < 0 || (flags & O_NONBLOCK) != 0)
            return false;
        byte[] peer = nameOf(libc, fd, true);
        return peer != null && !FileNameEncoding.canNameSocketPeer(peer);
    }

    /**
     * @return the socket's name as the JDK reads it: a path's bytes up to its first NUL (an abstract name's leading
     *         NUL makes it empty for the JDK, but here the whole abstract name is kept, NUL first), or {@code null}
     *         if {@code fd} is no Unix socket (or not connected, for the peer)
     */
    private static byte[] nameOf(LibC libc, int fd, boolean peer)
    {
        byte[] address = new byte[SOCKADDR_UN_SIZE];
        IntByReference length = new IntByReference(address.length);
        int result = peer ? libc.getpeername(fd, address, length) : libc.getsockname(fd, address, length);
        int size = Math.min(length.intValue(), address.length);
        if (result != 0 || size < FAMILY_BYTES
            || ByteBuffer.wrap(address).order(ByteOrder.nativeOrder()).getShort(0) != JdkAbstractNameSocket.AF_UNIX)
            return null;
        if (size > FAMILY_BYTES && address[FAMILY_BYTES] == 0)
            return Arrays.copyOfRange(address, FAMILY_BYTES, size);
        int end = FAMILY_BYTES;
        while (end < size && address[end] != 0)
            end++;
        return Arrays.copyOfRange(address, FAMILY_BYTES, end);
    }

    private static int descriptorNumber(String name)
    {
        try
        {
            return Integer.parseInt(name);
        }
        catch (NumberFormatException notADescriptor)
        {
            return -1;
        }
    }
}
