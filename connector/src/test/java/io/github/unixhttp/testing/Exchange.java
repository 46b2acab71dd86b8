package io.github.unixhttp.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Raw HTTP over a Unix socket with the JDK's own channel: bytes out, everything until close back.
 */
public final class Exchange
{
    private Exchange()
    {
    }

    /** A one-shot {@code GET} with {@code Connection: close}; returns the whole response. */
    public static String get(Path socket, String path) throws Exception
    {
        return exchange(socket, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }

    /**
     * Reads one HTTP message head, byte by byte so that nothing after it is consumed: up to and including the
     * blank line, or what came before the peer closed.
     */
    public static String readHead(SocketChannel channel) throws IOException
    {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n") && channel.read(one.clear()) > 0)
            head.write(one.array()[0]);
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    public static String exchange(Path socket, String request) throws Exception
    {
        return exchange(socket, new byte[0], request);
    }

    public static String exchange(Path socket, byte[] prefix, String request) throws Exception
    {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX))
        {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap(prefix));
            channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            while (channel.read(buffer.clear()) > 0)
                received.write(buffer.array(), 0, buffer.position());
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
