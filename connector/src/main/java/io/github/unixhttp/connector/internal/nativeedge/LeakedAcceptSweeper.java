package io.github.unixhttp.connector.internal.nativeedge;

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
import java.util.Arrays;

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
 * listening socket's (every connection accepted on it has that name) and whose peer's name the JDK cannot represent
 * (so no JDK channel can hold it: creating one is what failed). No one else owns it, so no one else closes it;
 * sweeps are serialized in the JVM, so a number is checked and closed by one sweep at a time. Linux only:
 * it lists {@code /proc/self/fd}.</p>
 */
public final class LeakedAcceptSweeper
{
    /** Sweeps of all listeners in this JVM, one at a time (see the class comment). */
    private static final Object SWEEPING = new Object();
    private static final Path OWN_DESCRIPTORS = Path.of("/proc/self/fd");
    /** {@code sizeof(struct sockaddr_un)}. */
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int FAMILY_BYTES = 2;

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
     * Closes every leaked descriptor of this listener.
     *
     * @return how many were closed
     */
    public int sweep() throws IOException
    {
        synchronized (SWEEPING)
        {
            int closed = 0;
            try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(OWN_DESCRIPTORS))
            {
                for (Path entry : descriptors)
                {
                    int fd = descriptorNumber(entry.getFileName().toString());
                    if (fd < 0 || fd == listeningFd || !isLeaked(fd))
                        continue;
                    if (libc.close(fd) == 0)
                        closed++;
                }
            }
            return closed;
        }
    }

    private boolean isLeaked(int fd)
    {
        byte[] local = nameOf(libc, fd, false);
        if (local == null || !Arrays.equals(local, listeningName))
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
