package io.github.unixhttp.connector.internal.nativeedge;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.unixhttp.connector.internal.ListeningSocket;
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
 * placeholder and its directory are removed. The JDK keeps the descriptor number and its state, and accepts,
 * selects and closes on what is now the abstract socket. Accepted connections report an empty local address
 * (the JDK reads the name up to its leading NUL); the connector reports {@code @name} itself.</p>
 *
 * <p>Reaching the channel's descriptor needs {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (see
 * {@link ChannelFds}); without it, or without a writable temporary directory, {@link NativeEdge} falls back to
 * jnr's channels.</p>
 */
final class JdkAbstractNameSocket extends ListeningSocket
{
    /** {@code sizeof(sa_family_t)}: the address starts with its family, then the path (here NUL and the name). */
    private static final int FAMILY_BYTES = 2;

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
        Runtime runtime = Runtime.getRuntime(libc);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try
        {
            bindPlaceholder(channel);
            int socket = libc.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
            if (socket < 0)
                throw Directory.failure("socket(AF_UNIX)", LastError.getLastError(runtime));
            try
            {
                byte[] address = abstractAddress(name);
                if (libc.bind(socket, address, address.length) != 0)
                    throw Directory.failure("bind(@" + name + ")", LastError.getLastError(runtime));
                if (libc.listen(socket, backlog) != 0)
                    throw Directory.failure("listen(@" + name + ")", LastError.getLastError(runtime));
                if (libc.dup3(socket, fds.fdOf(channel), LibC.O_CLOEXEC) < 0)
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

    /** Binds the channel in a directory only we can enter, and removes both: the channel stays bound. */
    private static void bindPlaceholder(ServerSocketChannel channel) throws IOException
    {
        Path directory = Files.createTempDirectory("unixhttp-");
        Path placeholder = directory.resolve("s");
        try
        {
            channel.bind(UnixDomainSocketAddress.of(placeholder), 1);
        }
        finally
        {
            Files.deleteIfExists(placeholder);
            Files.deleteIfExists(directory);
        }
    }

    /** {@code struct sockaddr_un} for an abstract name: the family, a NUL, the name; its length counts no more. */
    private static byte[] abstractAddress(String name)
    {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer address = ByteBuffer.allocate(FAMILY_BYTES + 1 + bytes.length).order(ByteOrder.nativeOrder());
        address.putShort((short)LibC.AF_UNIX).put((byte)0).put(bytes);
        return address.array();
    }
}
